package dev.tern.cli.ctl;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code tern ctl reload}: as SIGHUP ({@code POST /api/v1/reload}). */
@Command(name = "reload",
        description = {"Re-read the configuration file and the files it names, as SIGHUP does: password, ACL, TLS "
                + "and http.admins files, log levels and format, and the limits that can change at run time. "
                + "Clients stay connected.",
            "A file with an error is refused whole and the configuration in force stays (exit 1)."})
final class ReloadCommand extends CtlAction {
    @Override
    AdminClient.Answer request(AdminClient api) throws CtlException {
        return api.post("/reload", Map.of());
    }

    @Override
    void print(AdminClient.Answer a) {
        Map<String, Object> r = a.object();
        for (String key : List.of("applied", "needsRestart")) {
            if (r.get(key) instanceof List<?> lines) {
                for (Object line : lines) {
                    out().println((key.equals("applied") ? "applied: " : "needs a restart: ") + line);
                }
            }
        }
        if (errors(a).isEmpty()) {
            out().println("reloaded");
        }
    }

    @Override
    void checkOutcome(AdminClient.Answer a) throws CtlException {
        List<?> errors = errors(a);
        if (!errors.isEmpty()) {
            throw CtlException.failed("the broker refused the reload and keeps what is in force:\n  "
                    + String.join("\n  ", errors.stream().map(String::valueOf).toList()));
        }
    }

    private static List<?> errors(AdminClient.Answer a) {
        return a.object().get("errors") instanceof List<?> l ? l : List.of();
    }
}
