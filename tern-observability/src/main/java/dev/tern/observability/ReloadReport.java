package dev.tern.observability;

import java.util.List;

/**
 * What a reload did ({@code POST /api/v1/reload}, SIGHUP).
 *
 * @param applied settings changed at run time, one line each: {@code limits.max-connections: 0 -> 100}
 * @param needsRestart changed settings that a reload cannot apply, with the value kept:
 *     {@code listeners[0].bind changed: needs a restart, kept 127.0.0.1:1883}
 * @param errors what was refused: a configuration file with an error (then nothing was reloaded), or a file that
 *     did not load (its previous version stays)
 */
public record ReloadReport(List<String> applied, List<String> needsRestart, List<String> errors) {
    public ReloadReport {
        applied = List.copyOf(applied);
        needsRestart = List.copyOf(needsRestart);
        errors = List.copyOf(errors);
    }

    /** Only the outcome of re-reading files. */
    public static ReloadReport ofErrors(List<String> errors) {
        return new ReloadReport(List.of(), List.of(), errors);
    }
}
