package dev.tern.cli.client;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What {@code tern pub} and {@code tern sub} share: the connection options, {@code --help} (not {@code -h}, which is
 * the host, as in mosquitto's clients), and the printing of errors with their exit codes.
 */
abstract class ClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (ClientException e) {
            if (!connection.quiet()) {
                PrintWriter err = err();
                err.println(e.getMessage());
                if (e.isUsage()) {
                    err.println("Use '" + spec.qualifiedName() + " --help' to see usage.");
                }
                err.flush();
            }
            return e.exitCode();
        }
    }

    /** Runs the command; returns the exit code. */
    abstract int run() throws ClientException;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    PacketLog packetLog(ClientSettings settings) {
        return connection.debug() ? PacketLog.to(err(), settings.connect().clientId()) : PacketLog.off();
    }

    /** The result of a future the client completes, with its {@link ClientException} unwrapped. */
    static <T> T await(java.util.concurrent.Future<T> f) throws ClientException {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof ClientException ce) {
                throw ce;
            }
            throw ClientException.general("Error: " + TlsSettings.rootMessage(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ClientException.general("Error: interrupted.");
        }
    }

    /** Checks a topic name to publish to: not empty, no wildcards. */
    static void checkTopicName(String topic) throws ClientException {
        if (topic.isEmpty()) {
            throw ClientException.usage("Error: the topic must not be empty.");
        }
        if (topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
            throw ClientException.usage("Error: Invalid publish topic '" + topic + "', does it contain '+' or '#'?");
        }
    }

    /** Checks a topic filter: not empty, '+' and '#' only as whole levels, '#' only last. */
    static void checkTopicFilter(String filter) throws ClientException {
        String[] levels = filter.split("/", -1);
        boolean ok = !filter.isEmpty();
        for (int i = 0; i < levels.length && ok; i++) {
            String level = levels[i];
            if (level.contains("#")) {
                ok = level.equals("#") && i == levels.length - 1;
            } else if (level.contains("+")) {
                ok = level.equals("+");
            }
        }
        if (!ok) {
            throw ClientException.usage("Error: Invalid subscription topic '" + filter
                    + "', are all '+' and '#' wildcards correct?");
        }
    }

    static void checkQos(int qos) throws ClientException {
        if (qos < 0 || qos > 2) {
            throw ClientException.usage("Error: Invalid QoS given: " + qos + " (0, 1 or 2).");
        }
    }
}
