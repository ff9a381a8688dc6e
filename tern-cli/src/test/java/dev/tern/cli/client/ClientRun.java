package dev.tern.cli.client;

import dev.tern.cli.TernCommand;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** One in-process run of {@code tern pub} or {@code tern sub}, possibly in the background, with what it printed. */
final class ClientRun {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    /** What a finished run printed. */
    record Result(int exitCode, String out, String err) {
    }

    static Result run(String... args) {
        return start(null, args).await();
    }

    static Result runWithStdin(String stdin, String... args) {
        return start(stdin, args).await();
    }

    /** Starts the command on its own thread. */
    static ClientRun start(String stdin, String... args) {
        ClientRun run = new ClientRun();
        CommandLine cl = TernCommand.commandLine();
        cl.setOut(new PrintWriter(run.out, true));
        cl.setErr(new PrintWriter(run.err, true));
        if (stdin != null) {
            ((PubCommand) cl.getSubcommands().get("pub").getCommand()).stdin =
                    new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        }
        Thread t = new Thread(() -> {
            try {
                run.exit.complete(cl.execute(args));
            } catch (Throwable e) {
                run.exit.completeExceptionally(e);
            }
        }, "tern-" + args[0]);
        t.setDaemon(true);
        t.start();
        return run;
    }

    /** Starts {@code tern sub} with {@code -d} added and waits until its subscriptions are acknowledged. */
    static ClientRun subscribed(String... args) {
        String[] withDebug = new String[args.length + 1];
        System.arraycopy(args, 0, withDebug, 0, args.length);
        withDebug[args.length] = "-d";
        ClientRun run = start(null, withDebug);
        run.awaitErr("Subscribed (mid:");
        return run;
    }

    void awaitErr(String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!err.toString().contains(text)) {
            if (exit.isDone()) {
                throw new AssertionError("exited (" + exit.join() + ") before printing '" + text + "': " + err + out);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' within 15 s: " + err);
            }
            sleepBriefly();
        }
    }

    Result await() {
        try {
            int code = exit.get(30, TimeUnit.SECONDS);
            return new Result(code, out.toString(), err.toString());
        } catch (Exception e) {
            throw new AssertionError("no exit within 30 s; out: " + out + " err: " + err, e);
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
