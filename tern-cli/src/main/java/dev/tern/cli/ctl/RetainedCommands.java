package dev.tern.cli.ctl;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tern ctl retained [FILTER]} and {@code tern ctl retained delete TOPIC | --filter FILTER}. */
final class RetainedCommands {
    /** Payloads longer than this are cut in the table (--json shows them whole). */
    static final int PAYLOAD_WIDTH = 60;

    private RetainedCommands() {
    }

    @Command(name = "retained", sortOptions = false, subcommands = Delete.class,
            description = {"List the retained messages that match a topic filter, sorted by topic.",
                "Example: tern ctl retained 'home/#'"})
    static final class Retained extends CtlAction {
        @Parameters(paramLabel = "FILTER", arity = "0..1", defaultValue = "#",
                description = "Topic filter (default '#', which leaves out $SYS topics).")
        String filter;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
                description = "At most N messages (default ${DEFAULT-VALUE}, at most 10000).")
        int limit;

        @Option(names = "--offset", paramLabel = "N", defaultValue = "0", description = "Skip the first N.")
        int offset;

        @Override
        AdminClient.Answer request(AdminClient api) throws CtlException {
            return api.get("/retained" + query("filter", filter, "limit", limit, "offset", offset));
        }

        @Override
        void print(AdminClient.Answer a) {
            printPage(a, "retained messages", "no retained messages match '" + filter + "'",
                    new Table("TOPIC", "QOS", "SIZE", "PAYLOAD"),
                    m -> new Object[] {text(m, "topic"), number(m, "qos"), number(m, "payloadSize"), payload(m)});
        }

        private static String payload(Map<String, Object> m) {
            if (!"utf8".equals(m.get("payloadEncoding"))) {
                return "(binary)";
            }
            String p = text(m, "payload");
            return p.length() > PAYLOAD_WIDTH ? p.substring(0, PAYLOAD_WIDTH - 3) + "..." : p;
        }
    }

    @Command(name = "delete", sortOptions = false,
            description = "Delete the retained message of a topic, or every one that matches --filter.")
    static final class Delete extends CtlAction {
        @Parameters(paramLabel = "TOPIC", arity = "0..1", description = "The topic (no wildcards).")
        String topic;

        @Option(names = "--filter", paramLabel = "FILTER", description = "Delete all that match, e.g. 'home/#'.")
        String filter;

        @Override
        AdminClient.Answer request(AdminClient api) throws CtlException {
            if ((topic == null) == (filter == null)) {
                throw CtlException.usage("tern ctl retained delete: give a TOPIC or --filter FILTER (one of them)");
            }
            return topic != null
                    ? api.delete("/retained/" + AdminClient.encode(topic, true),
                            "no retained message on '" + topic + "'")
                    : api.delete("/retained" + query("filter", filter), null);
        }

        @Override
        void print(AdminClient.Answer a) {
            long n = number(a.object(), "deleted");
            out().println(topic != null ? "deleted the retained message on '" + topic + "'"
                    : "deleted " + n + " retained message" + (n == 1 ? "" : "s") + " matching '" + filter + "'");
        }
    }
}
