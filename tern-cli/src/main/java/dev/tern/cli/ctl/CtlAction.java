package dev.tern.cli.ctl;

import dev.tern.observability.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** One {@code tern ctl} subcommand: runs against the API, prints, and turns failures into a message and exit code. */
abstract class CtlAction implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Asks the broker (checking the arguments first). */
    abstract AdminClient.Answer request(AdminClient api) throws CtlException;

    /** Prints the answer for a person, with {@link #out()}; {@code --json} prints it as the broker sent it instead. */
    abstract void print(AdminClient.Answer a) throws CtlException;

    /** After printing: a failure the answer reports (an exit code other than 0). None by default. */
    void checkOutcome(AdminClient.Answer a) throws CtlException {
    }

    @Override
    public final Integer call() {
        try {
            AdminClient.Answer a = request(ctl().client());
            if (json()) {
                out().println(Json.write(a.json()));
            } else {
                print(a);
            }
            checkOutcome(a);
            out().flush();
            return 0;
        } catch (CtlException e) {
            out().flush();
            PrintWriter err = spec.commandLine().getErr();
            err.println("Error: " + e.getMessage());
            err.flush();
            return e.exitCode();
        }
    }

    /** The {@code tern ctl} command above this one, with the connection options. */
    CtlCommand ctl() {
        for (CommandSpec s = spec; s != null; s = s.parent()) {
            if (s.userObject() instanceof CtlCommand c) {
                return c;
            }
        }
        throw new IllegalStateException("not under tern ctl");
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    boolean json() {
        return ctl().json;
    }

    /** Name and value lines, the values aligned. */
    void printPairs(java.util.Map<String, Object> pairs) {
        int width = pairs.keySet().stream().mapToInt(String::length).max().orElse(0);
        pairs.forEach((k, v) -> out().println(k + " ".repeat(width - k.length() + 2) + (v == null ? "-" : v)));
    }

    /**
     * A page of a list ({@code items}, {@code total}, {@code offset}) as a table with one row per item; {@code none}
     * when the list is empty, and a note when {@code --limit} cut it ("100 of 250 clients shown, from 0; ...").
     */
    void printPage(AdminClient.Answer a, String what, String none, Table table,
                   java.util.function.Function<java.util.Map<String, Object>, Object[]> row) {
        java.util.Map<String, Object> page = a.object();
        java.util.List<java.util.Map<String, Object>> items = items(page, "items");
        long total = number(page, "total");
        if (items.isEmpty()) {
            out().println(total == 0 ? none : "no " + what + " in this page");
            return;
        }
        items.forEach(item -> table.row(row.apply(item)));
        table.print(out());
        if (items.size() < total) {
            out().println("(" + items.size() + " of " + total + " " + what + " shown, from " + number(page, "offset")
                    + "; use --limit and --offset for more)");
        }
    }

    static String text(java.util.Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? null : v.toString();
    }

    static long number(java.util.Map<?, ?> m, String key) {
        return m.get(key) instanceof Number n ? n.longValue() : 0;
    }

    @SuppressWarnings("unchecked")
    static java.util.List<java.util.Map<String, Object>> items(java.util.Map<String, Object> page, String key) {
        return page.get(key) instanceof java.util.List<?> l ? (java.util.List<java.util.Map<String, Object>>) l
                : java.util.List.of();
    }

    /** "3d 4h", "2h 5m", "4m 2s", "12s". */
    static String duration(long seconds) {
        if (seconds < 0) {
            return "-";
        }
        long d = seconds / 86400;
        long h = seconds % 86400 / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        if (d > 0) {
            return d + "d " + h + "h";
        }
        if (h > 0) {
            return h + "h " + m + "m";
        }
        return m > 0 ? m + "m " + s + "s" : s + "s";
    }

    /** A query string from name, value pairs; null values are left out. */
    static String query(Object... nameValues) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < nameValues.length; i += 2) {
            if (nameValues[i + 1] != null) {
                b.append(b.length() == 0 ? '?' : '&').append(nameValues[i]).append('=')
                        .append(AdminClient.encode(nameValues[i + 1].toString(), false));
            }
        }
        return b.toString();
    }
}
