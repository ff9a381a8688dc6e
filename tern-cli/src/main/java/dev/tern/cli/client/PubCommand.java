package dev.tern.cli.client;

import dev.tern.cli.client.MqttClient.PublishResult;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.PublishProperties;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tern pub}: publishes one message, a file, standard input, or one message per line, as mosquitto_pub. */
@Command(name = "pub",
        description = {"Publish MQTT messages, with mosquitto_pub's options.",
            "Example: tern pub -t sensors/temp -m 21.5 -q 1"},
        sortOptions = false,
        exitCodeOnInvalidInput = 1,
        exitCodeOnExecutionException = 1,
        footerHeading = "%n",
        footer = {"Exit codes (as mosquitto_pub): 0 ok; 1 error (wrong option, connection refused or lost, "
                + "publish refused); a refused CONNACK exits with its reason code (e.g. 5 not authorised with 3.1.1, "
                + "135 with MQTT 5)."})
public final class PubCommand extends ClientCommand {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** Messages read with -l that may wait for the broker at most, before reading more of standard input. */
    private static final int LINE_BACKLOG = 1000;

    @Option(names = {"-t", "--topic"}, paramLabel = "TOPIC", description = "Topic to publish to.")
    String topic;

    @Option(names = {"-m", "--message"}, paramLabel = "MESSAGE", description = "Send MESSAGE.")
    String message;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Send the contents of FILE as one message.")
    Path file;

    @Option(names = {"-s", "--stdin-file"}, description = "Send all of standard input as one message.")
    boolean stdinFile;

    @Option(names = {"-l", "--stdin-line"}, description = "Send each line of standard input as a message.")
    boolean stdinLine;

    @Option(names = {"-n", "--null-message"}, description = "Send an empty (zero length) message.")
    boolean nullMessage;

    @Option(names = {"-q", "--qos"}, paramLabel = "QOS", defaultValue = "0",
            description = "QoS 0, 1 or 2 (default ${DEFAULT-VALUE}).")
    int qos;

    @Option(names = {"-r", "--retain"}, description = "Retain the message (an empty one clears the retained message).")
    boolean retain;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "With -m, -f, -s or -n: publish the message N times.")
    int repeat;

    @Option(names = "--repeat-delay", paramLabel = "SECONDS", defaultValue = "0",
            description = "With --repeat: wait SECONDS (may be fractional) after each delivery.")
    double repeatDelay;

    /** Standard input (replaced in tests). */
    InputStream stdin = System.in;

    @Override
    int run() throws ClientException {
        ConnectionOptions.Resolved resolved = connection.resolve();
        String t = topic != null ? topic : resolved.urlTopic();
        int sources = (message != null ? 1 : 0) + (file != null ? 1 : 0) + (stdinFile ? 1 : 0) + (stdinLine ? 1 : 0)
                + (nullMessage ? 1 : 0);
        if (t == null || sources == 0) {
            throw ClientException.usage("Error: Both topic and message must be supplied "
                    + "(-t TOPIC and one of -m, -f, -s, -l, -n).");
        }
        if (sources > 1) {
            throw ClientException.usage("Error: Only one type of message can be sent at once "
                    + "(one of -m, -f, -s, -l, -n).");
        }
        checkTopicName(t);
        checkQos(qos);
        if (repeat < 1) {
            throw ClientException.usage("Error: --repeat must be at least 1.");
        }
        if (repeat > 1 && stdinLine) {
            throw ClientException.usage("Error: --repeat works with -m, -f, -s and -n, not -l.");
        }
        if (repeatDelay < 0) {
            throw ClientException.usage("Error: --repeat-delay must not be negative.");
        }
        byte[] payload = stdinLine ? null : payload();
        PublishProperties properties = resolved.properties().publishProperties();

        ClientSettings settings = resolved.settings();
        try (MqttClient client = new MqttClient(settings, packetLog(settings))) {
            client.connect(CONNECT_TIMEOUT);
            int refused = stdinLine ? publishLines(client, t, properties)
                    : publishRepeated(client, t, properties, payload);
            client.disconnect();
            return refused == 0 ? 0 : ClientException.GENERAL;
        }
    }

    private byte[] payload() throws ClientException {
        if (message != null) {
            return message.getBytes(StandardCharsets.UTF_8);
        }
        if (file != null) {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw ClientException.general("Error: Unable to read file '" + file + "': "
                        + TlsSettings.rootMessage(e) + ".");
            }
        }
        if (stdinFile) {
            try {
                return stdin.readAllBytes();
            } catch (IOException e) {
                throw ClientException.general("Error: cannot read standard input: " + e.getMessage());
            }
        }
        return new byte[0];
    }

    private int publishRepeated(MqttClient client, String t, PublishProperties properties, byte[] payload)
            throws ClientException {
        int refused = 0;
        for (int i = 0; i < repeat; i++) {
            PublishResult r = await(client.publish(new Publish(false, qos, retain, t, 0, properties, payload)));
            refused += report(r);
            if (repeatDelay > 0 && i < repeat - 1) {
                try {
                    Thread.sleep((long) (repeatDelay * 1000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw ClientException.general("Error: interrupted.");
                }
            }
        }
        return refused;
    }

    /** Publishes each line of standard input as it is read (the line without its '\n'; an empty line as empty). */
    private int publishLines(MqttClient client, String t, PublishProperties properties) throws ClientException {
        Semaphore backlog = new Semaphore(LINE_BACKLOG);
        List<CompletableFuture<PublishResult>> sent = new ArrayList<>();
        int refused = 0;
        try (InputStream in = new BufferedInputStream(stdin)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            boolean more = true;
            while (more) {
                b = in.read();
                more = b >= 0;
                if (b == '\n' || (!more && line.size() > 0)) {
                    backlog.acquireUninterruptibly();
                    CompletableFuture<PublishResult> f = client.publish(
                            new Publish(false, qos, retain, t, 0, properties, line.toByteArray()));
                    f.whenComplete((r, e) -> backlog.release());
                    sent.add(f);
                    line.reset();
                    refused += drainDone(sent);
                } else if (more) {
                    line.write(b);
                }
                if (client.closed().isDone()) {
                    break;
                }
            }
        } catch (IOException e) {
            throw ClientException.general("Error: cannot read standard input: " + e.getMessage());
        }
        for (CompletableFuture<PublishResult> f : sent) {
            refused += report(await(f));
        }
        return refused;
    }

    /** Reports and forgets the publishes at the head of {@code sent} that are done. */
    private int drainDone(List<CompletableFuture<PublishResult>> sent) throws ClientException {
        int refused = 0;
        int done = 0;
        while (done < sent.size() && sent.get(done).isDone()) {
            refused += report(await(sent.get(done)));
            done++;
        }
        sent.subList(0, done).clear();
        return refused;
    }

    private int report(PublishResult r) {
        if (r.reasonCode() >= 0x80) {
            if (!connection.quiet()) {
                err().println("Warning: Publish " + r.packetId() + " failed: " + ConnackText.reasonName(r.reasonCode())
                        + ".");
                err().flush();
            }
            return 1;
        }
        return 0;
    }
}
