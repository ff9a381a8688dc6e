package dev.tern.cli.ctl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tern ctl sessions}, {@code tern ctl session show|delete}. */
final class SessionCommands {
    private SessionCommands() {
    }

    @Command(name = "sessions", sortOptions = false,
            description = "List the sessions, connected and offline.")
    static final class Sessions extends CtlAction {
        @Option(names = "--id", paramLabel = "TEXT", description = "Client ids containing TEXT.")
        String id;

        @Option(names = "--connected", paramLabel = "true|false", arity = "1",
                description = "Only sessions whose client is connected (true) or offline (false).")
        Boolean connected;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
                description = "At most N sessions (default ${DEFAULT-VALUE}, at most 10000).")
        int limit;

        @Option(names = "--offset", paramLabel = "N", defaultValue = "0", description = "Skip the first N.")
        int offset;

        @Override
        AdminClient.Answer request(AdminClient api) throws CtlException {
            return api.get("/sessions" + query("id", id, "connected", connected, "limit", limit, "offset", offset));
        }

        @Override
        void print(AdminClient.Answer a) {
            printPage(a, "sessions", "no sessions" + (id != null || connected != null ? " that match" : ""),
                    new Table("CLIENT ID", "CONNECTED", "EXPIRY", "EXPIRES IN", "SUBS", "QUEUED", "INFLIGHT"), s -> {
                        boolean online = Boolean.TRUE.equals(s.get("connected"));
                        return new Object[] {text(s, "clientId"), online ? "yes" : "no", expiry(s), online ? null
                                : s.get("expiresInSeconds") == null ? "never" : duration(number(s, "expiresInSeconds")),
                            s.get("subscriptions") instanceof List<?> l ? l.size() : 0, number(s, "queued"),
                            number(s, "inflight")};
                    });
        }
    }

    static String expiry(Map<String, Object> session) {
        long e = CtlAction.number(session, "sessionExpiryInterval");
        return e < 0 || e == 0xFFFFFFFFL ? "never" : e == 0 ? "at disconnect" : CtlAction.duration(e);
    }

    @Command(name = "session", description = "Show or end one session.",
            subcommands = {Show.class, Delete.class})
    static final class Session implements Runnable {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "tern ctl session: missing show or delete, e.g. tern ctl session delete CLIENT_ID");
        }
    }

    @Command(name = "show", description = "A session's state, subscriptions and client.")
    static final class Show extends CtlAction {
        @Parameters(paramLabel = "CLIENT_ID", description = "The client id.")
        String clientId;

        @Override
        AdminClient.Answer request(AdminClient api) throws CtlException {
            return api.get("/sessions/" + AdminClient.encode(clientId, false),
                    "no session for client id '" + clientId + "'");
        }

        @Override
        void print(AdminClient.Answer a) {
            Map<String, Object> s = a.object();
            boolean online = Boolean.TRUE.equals(s.get("connected"));
            Map<String, Object> pairs = new LinkedHashMap<>();
            pairs.put("client id", text(s, "clientId"));
            pairs.put("connected", online ? "yes" : "no");
            if (online && s.get("client") instanceof Map<?, ?> c) {
                pairs.put("address", text(c, "address"));
                pairs.put("username", text(c, "username"));
                pairs.put("listener", text(c, "listener"));
                pairs.put("MQTT", text(c, "protocolVersion"));
                pairs.put("connected at", text(c, "connectedAt"));
            }
            pairs.put("session expiry", expiry(s));
            if (!online) {
                pairs.put("expires in", s.get("expiresInSeconds") == null ? "never"
                        : duration(number(s, "expiresInSeconds")));
            }
            pairs.put("queued", number(s, "queued") + " (" + number(s, "queuedBytes") + " bytes)");
            pairs.put("inflight", number(s, "inflight") + " (" + number(s, "inflightBytes") + " bytes)");
            pairs.put("will pending", Boolean.TRUE.equals(s.get("willPending")) ? "yes" : "no");
            printPairs(pairs);
            List<Map<String, Object>> subs = items(s, "subscriptions");
            if (!subs.isEmpty()) {
                out().println();
                Table t = new Table("FILTER", "QOS", "SHARE GROUP", "NO LOCAL", "SUBSCRIPTION ID");
                for (Map<String, Object> sub : subs) {
                    t.row(text(sub, "filter"), number(sub, "qos"), text(sub, "shareGroup"),
                            Boolean.TRUE.equals(sub.get("noLocal")) ? "yes" : "no", sub.get("subscriptionId"));
                }
                t.print(out());
            }
        }
    }

    @Command(name = "delete",
            description = "End a session now: a connected client is kicked first; its subscriptions and queued "
                    + "messages are dropped.")
    static final class Delete extends CtlAction {
        @Parameters(paramLabel = "CLIENT_ID", description = "The client id.")
        String clientId;

        @Override
        AdminClient.Answer request(AdminClient api) throws CtlException {
            return api.delete("/sessions/" + AdminClient.encode(clientId, false),
                    "no session for client id '" + clientId + "'");
        }

        @Override
        void print(AdminClient.Answer a) {
            out().println("ended the session of '" + clientId + "'");
        }
    }
}
