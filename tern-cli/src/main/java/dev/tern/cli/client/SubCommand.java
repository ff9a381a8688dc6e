package dev.tern.cli.client;

import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.SubAck;
import dev.tern.codec.packet.Subscribe;
import dev.tern.codec.packet.Subscription;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tern sub}: subscribes and prints the messages that arrive, as mosquitto_sub. */
@Command(name = "sub",
        description = {"Subscribe to MQTT topics and print the messages, with mosquitto_sub's options.",
            "Example: tern sub -t 'sensors/#' -v"},
        sortOptions = false,
        exitCodeOnInvalidInput = 1,
        exitCodeOnExecutionException = 1,
        footerHeading = "%n",
        footer = {"-F format: %%t topic, %%p payload, %%q QoS, %%r retained, %%m message id, %%l length, "
                + "%%x/%%X hex payload, %%I ISO-8601 time, %%U Unix time, %%j JSON, %%%% a percent sign; "
                + "MQTT 5 properties %%C content type, %%D correlation data, %%E message expiry, "
                + "%%F payload format, %%P user properties, %%R response topic, %%S subscription ids, "
                + "%%A topic alias; @Y @m @d @H @M @S @z @Z @s @N time fields; \\n \\t \\0 \\e \\\\ escapes.",
            "Exit codes (as mosquitto_sub): 0 ok; 1 error; 27 timed out (-W); a refused CONNACK exits with its "
                + "reason code."})
public final class SubCommand extends ClientCommand {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    @Option(names = {"-t", "--topic"}, paramLabel = "FILTER", description = "Topic filter to subscribe to; repeatable.")
    List<String> topics = new ArrayList<>();

    @Option(names = {"-T", "--filter-out"}, paramLabel = "FILTER",
            description = "Do not print messages whose topic matches FILTER; repeatable.")
    List<String> filterOut = new ArrayList<>();

    @Option(names = {"-q", "--qos"}, paramLabel = "QOS", defaultValue = "0",
            description = "QoS of the subscriptions (default ${DEFAULT-VALUE}).")
    int qos;

    @Option(names = {"-v", "--verbose"}, description = "Print 'topic payload'.")
    boolean verbose;

    @Option(names = "-F", paramLabel = "FORMAT", description = "Print each message in FORMAT (see below).")
    String format;

    @Option(names = "-N", description = "Do not print a newline after each message.")
    boolean noEol;

    @Option(names = {"-C", "--count"}, paramLabel = "COUNT", description = "Exit after COUNT messages.")
    Integer count;

    @Option(names = {"-W", "--timeout"}, paramLabel = "SECONDS",
            description = "Exit with code 27 after SECONDS (1..3600) if not done before.")
    Integer timeout;

    @Option(names = "-R", description = "Do not print stale (retained) messages.")
    boolean noRetained;

    @Option(names = "--retained-only", description = "Print only retained messages; exit at the first other one.")
    boolean retainedOnly;

    @Option(names = "-E", description = "Exit once the subscriptions are acknowledged.")
    boolean exitAfterSubscribe;

    @Override
    int run() throws ClientException {
        Instant start = Instant.now();
        ConnectionOptions.Resolved resolved = connection.resolve();
        List<String> filters = new ArrayList<>(topics);
        if (resolved.urlTopic() != null) {
            filters.add(0, resolved.urlTopic());
        }
        if (filters.isEmpty()) {
            throw ClientException.usage("Error: You must specify a topic to subscribe to (-t FILTER).");
        }
        for (String f : filters) {
            checkTopicFilter(f);
        }
        for (String f : filterOut) {
            checkTopicFilter(f);
        }
        checkQos(qos);
        if (count != null && count < 1) {
            throw ClientException.usage("Error: -C must be at least 1.");
        }
        if (timeout != null && (timeout < 1 || timeout > 3600)) {
            throw ClientException.usage("Error: Invalid timeout \"" + timeout + "\" (-W): 1 to 3600 seconds.");
        }
        OutputFormat output = OutputFormat.of(format, verbose);
        CompletableFuture<Void> done = new CompletableFuture<>();
        ClientSettings settings = resolved.settings();
        try (MqttClient client = new MqttClient(settings, packetLog(settings))) {
            client.onMessage(new Printer(output, done));
            Thread hook = new Thread(client::disconnect, "tern-sub-interrupted");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return subscribeAndPrint(client, filters, resolved.properties(), done, start);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down: the hook disconnects
                }
            }
        }
    }

    private int subscribeAndPrint(MqttClient client, List<String> filters, PropertyArgs props,
                                  CompletableFuture<Void> done, Instant start) throws ClientException {
        Instant deadline = timeout == null ? null : start.plusSeconds(timeout);
        client.connect(deadline == null ? CONNECT_TIMEOUT : max(Duration.between(Instant.now(), deadline)));
        List<Subscription> subs = new ArrayList<>();
        for (String f : filters) {
            subs.add(Subscription.of(f, qos));
        }
        SubAck ack = await(client.subscribe(
                new Subscribe(0, props.subscriptionIdentifier(), props.subscribeUserProperties(), subs)));
        int refused = 0;
        for (int i = 0; i < ack.reasonCodes().size(); i++) {
            int code = ack.reasonCodes().get(i);
            if (code >= 0x80) {
                refused++;
                if (!connection.quiet() && i < filters.size()) {
                    err().println("Warning: Subscription to '" + filters.get(i) + "' refused: "
                            + (client.version().isV5() ? ConnackText.reasonName(code) : "Failure") + ".");
                }
            }
        }
        if (refused == subs.size()) {
            client.disconnect();
            throw ClientException.general("All subscription requests were denied.");
        }
        if (exitAfterSubscribe) {
            client.disconnect();
            return 0;
        }
        CompletableFuture<Object> ended = CompletableFuture.anyOf(done, client.closed());
        try {
            if (deadline == null) {
                ended.get();
            } else {
                ended.get(Math.max(0, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
            }
        } catch (TimeoutException e) {
            client.disconnect();
            throw new ClientException(ClientException.TIMED_OUT, "Timed out");
        } catch (ExecutionException e) {
            throw ClientException.general("Error: " + TlsSettings.rootMessage(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ClientException.general("Error: interrupted.");
        }
        if (!done.isDone()) {
            String reason = client.closed().getNow(null);
            throw ClientException.general(reason != null ? reason : "Error: the connection was closed.");
        }
        client.disconnect();
        return 0;
    }

    private static Duration max(Duration d) {
        return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
    }

    /** Prints the messages as they arrive (on the client's event loop) and completes {@code done} at -C. */
    private final class Printer implements java.util.function.Consumer<Publish> {
        private final OutputFormat output;
        private final CompletableFuture<Void> done;
        private int printed;

        Printer(OutputFormat output, CompletableFuture<Void> done) {
            this.output = output;
            this.done = done;
        }

        @Override
        public void accept(Publish p) {
            if (done.isDone()) {
                return;
            }
            if (retainedOnly && !p.retain()) {
                done.complete(null);
                return;
            }
            if (noRetained && p.retain()) {
                return;
            }
            for (String f : filterOut) {
                if (TopicMatch.matches(f, p.topic())) {
                    return;
                }
            }
            PrintWriter out = out();
            out.print(output.render(p, Instant.now()));
            if (!noEol) {
                out.print('\n');
            }
            out.flush();
            printed++;
            if (count != null && printed >= count) {
                done.complete(null);
            }
        }
    }
}
