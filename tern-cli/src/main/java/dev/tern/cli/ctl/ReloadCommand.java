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
    void run(AdminClient api) throws CtlException {
        AdminClient.Answer a = api.post("/reload", Map.of());
        Map<String, Object> r = a.object();
        List<?> errors = r.get("errors") instanceof List<?> l ? l : List.of();
        if (json()) {
            printJson(a);
        } else {
            for (String key : List.of("applied", "needsRestart")) {
                if (r.get(key) instanceof List<?> lines) {
                    for (Object line : lines) {
                        out().println((key.equals("applied") ? "applied: " : "needs a restart: ") + line);
                    }
                }
            }
            if (errors.isEmpty()) {
                out().println("reloaded");
            }
        }
        if (!errors.isEmpty()) {
            throw CtlException.failed("the broker refused the reload and keeps what is in force:\n  "
                    + String.join("\n  ", errors.stream().map(String::valueOf).toList()));
        }
    }
}
