package dev.tern.tests;

import dev.tern.cli.TernCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One in-process run of {@code tern ...} (here: {@code tern ctl}), with its exit code and what it printed. */
record CtlRun(int exitCode, String out, String err) {
    static CtlRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = TernCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CtlRun(code, out.toString(), err.toString());
    }

    /** The lines of standard output. */
    java.util.List<String> lines() {
        return out.lines().toList();
    }
}
