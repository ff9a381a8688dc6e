package dev.tern.cli.ctl;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tern ctl clients} and {@code tern ctl kick}. */
final class ClientCommands {
    private ClientCommands() {
    }

    @Command(name = "clients", sortOptions = false,
            description = "List the connected clients; the filters are case-insensitive substrings.")
    static final class Clients extends CtlAction {
        @Option(names = "--id", paramLabel = "TEXT", description = "Client ids containing TEXT.")
        String id;

        @Option(names = "--username", paramLabel = "TEXT", description = "User names containing TEXT.")
        String username;

        @Option(names = "--address", paramLabel = "TEXT", description = "Addresses (ip:port) containing TEXT.")
        String address;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
                description = "At most N clients (default ${DEFAULT-VALUE}, at most 10000).")
        int limit;

        @Option(names = "--offset", paramLabel = "N", defaultValue = "0", description = "Skip the first N.")
        int offset;

        @Override
        AdminClient.Answer request(AdminClient api) throws CtlException {
            return api.get("/clients" + query("id", id, "username", username, "address", address, "limit", limit,
                    "offset", offset));
        }

        @Override
        void print(AdminClient.Answer a) {
            printPage(a, "clients", "no clients connected"
                            + (id != null || username != null || address != null ? " that match" : ""),
                    new Table("CLIENT ID", "USERNAME", "ADDRESS", "LISTENER", "MQTT", "KEEPALIVE", "CONNECTED AT",
                            "SUBS", "QUEUED", "INFLIGHT"),
                    c -> new Object[] {text(c, "clientId"), text(c, "username"), text(c, "address"),
                        text(c, "listener"), text(c, "protocolVersion"), number(c, "keepAlive"),
                        seconds(text(c, "connectedAt")), c.get("subscriptions") instanceof List<?> l ? l.size() : 0,
                        number(c, "queued"), number(c, "inflight")});
        }

        /** 2026-11-25T10:00:00.123Z -> 2026-11-25T10:00:00Z. */
        private static String seconds(String instant) {
            return instant == null ? null : instant.replaceFirst("\\.\\d+Z$", "Z");
        }
    }

    @Command(name = "kick",
            description = "Disconnect a client (MQTT 5 clients get DISCONNECT 0x98, administrative action); its will "
                    + "is published and its session stays as its expiry allows.")
    static final class Kick extends CtlAction {
        @Parameters(paramLabel = "CLIENT_ID", description = "The client id.")
        String clientId;

        @Override
        AdminClient.Answer request(AdminClient api) throws CtlException {
            return api.delete("/clients/" + AdminClient.encode(clientId, false),
                    "no client '" + clientId + "' connected");
        }

        @Override
        void print(AdminClient.Answer a) {
            out().println("kicked client '" + clientId + "'");
        }
    }
}
