package dev.tern.cli.ctl;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tern ctl publish}: a message published by the broker itself ({@code POST /api/v1/publish}). */
@Command(name = "publish", sortOptions = false,
        description = {"Publish a message as the broker (subscribers' ACLs apply).",
            "Example: tern ctl publish -t alerts/ops -m 'maintenance at 22:00' -q 1 -r"})
final class PublishCommand extends CtlAction {
    @Option(names = {"-t", "--topic"}, paramLabel = "TOPIC", required = true, description = "Topic to publish to.")
    String topic;

    @Option(names = {"-m", "--message"}, paramLabel = "MESSAGE", defaultValue = "",
            description = "The payload, as UTF-8 text (default: empty).")
    String message;

    @Option(names = {"-q", "--qos"}, paramLabel = "QOS", defaultValue = "0", description = "0, 1 or 2.")
    int qos;

    @Option(names = {"-r", "--retain"}, description = "Retain the message (an empty one clears the retained one).")
    boolean retain;

    @Option(names = "--content-type", paramLabel = "TYPE", description = "MQTT 5 content type, e.g. text/plain.")
    String contentType;

    @Option(names = {"-e", "--expiry"}, paramLabel = "SECONDS", description = "Message expiry interval.")
    Long expiry;

    @Override
    AdminClient.Answer request(AdminClient api) throws CtlException {
        if (qos < 0 || qos > 2) {
            throw CtlException.usage("--qos: expected 0, 1 or 2, got " + qos);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("topic", topic);
        body.put("payload", message);
        body.put("qos", qos);
        body.put("retain", retain);
        if (contentType != null) {
            body.put("contentType", contentType);
        }
        if (expiry != null) {
            body.put("messageExpiryInterval", expiry);
        }
        return api.post("/publish", body);
    }

    @Override
    void print(AdminClient.Answer a) {
        long matched = number(a.object(), "matchedSessions");
        out().println("published to '" + topic + "' (" + matched + " matching session" + (matched == 1 ? "" : "s")
                + ")");
    }
}
