package dev.tern.cli.ctl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code tern ctl stats}: what the broker is, and its counters ({@code GET /api/v1/broker}). */
@Command(name = "stats", description = "Broker version, uptime, listeners, clients, sessions, message counters and "
        + "drops by reason.")
final class StatsCommand extends CtlAction {
    @Override
    AdminClient.Answer request(AdminClient api) throws CtlException {
        return api.get("/broker");
    }

    @Override
    void print(AdminClient.Answer a) {
        Map<String, Object> b = a.object();
        Map<String, Object> pairs = new LinkedHashMap<>();
        pairs.put("version", text(b, "version"));
        pairs.put("started", text(b, "startedAt") + " (up " + duration(number(b, "uptimeSeconds")) + ")");
        pairs.put("listeners", b.get("listeners") instanceof List<?> l ? String.join(", ",
                l.stream().map(String::valueOf).toList()) : null);
        pairs.put("http", text(b, "http"));
        pairs.put("clients connected", number(b, "clientsConnected"));
        pairs.put("sessions", number(b, "sessions"));
        pairs.put("subscriptions", number(b, "subscriptions"));
        pairs.put("retained messages", number(b, "retainedMessages"));
        pairs.put("queued messages", number(b, "queuedMessages"));
        pairs.put("inflight messages", number(b, "inflightMessages"));
        pairs.put("messages received", number(b, "messagesReceived"));
        pairs.put("messages sent", number(b, "messagesSent"));
        pairs.put("bytes received", number(b, "bytesReceived"));
        pairs.put("bytes sent", number(b, "bytesSent"));
        long dropped = 0;
        StringBuilder reasons = new StringBuilder();
        if (b.get("dropped") instanceof Map<?, ?> drops) {
            for (Map.Entry<?, ?> e : drops.entrySet()) {
                long n = e.getValue() instanceof Number x ? x.longValue() : 0;
                dropped += n;
                if (n > 0) {
                    reasons.append(reasons.length() == 0 ? " (" : ", ").append(e.getKey()).append(' ').append(n);
                }
            }
        }
        pairs.put("messages dropped", dropped + (reasons.length() > 0 ? reasons + ")" : ""));
        printPairs(pairs);
    }
}
