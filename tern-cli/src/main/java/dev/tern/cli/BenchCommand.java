package dev.tern.cli;

import dev.tern.bench.BenchOptions;
import dev.tern.bench.BenchResult;
import dev.tern.bench.BenchRunner;
import dev.tern.bench.ReferenceServer;
import dev.tern.bench.Scenario;
import dev.tern.codec.MqttVersion;
import dev.tern.server.config.ConfigValues;
import io.netty.util.NetUtil;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tern bench}: the load generator, and its sink and relay yardsticks. */
@Command(name = "bench",
        versionProvider = TernCommand.Version.class,
        sortOptions = false,
        description = {
            "Load an MQTT broker and measure it: throughput, end-to-end latency (HdrHistogram, from a timestamp "
                    + "in each payload) and, at QoS 1 and 2, that nothing acknowledged was lost.",
            "Scenarios: conn (open N connections and hold them), pub, sub, fanin (N publishers -> 1 subscriber), "
                    + "fanout (1 -> N), pairs (publisher i -> subscriber i), shared (fan-in into a $share group).",
            "Yardsticks: 'sink' runs a server that acknowledges and discards everything (the generator's "
                    + "ceiling); 'relay' forwards PUBLISH frames to subscribers with no MQTT logic (its latency "
                    + "floor)."},
        footerHeading = "%n",
        footer = {"Examples:",
            "  tern bench fanin -q 1 -d 20s --warmup 5s",
            "  tern bench fanout --subs 100 --rate 10000",
            "  tern bench relay -p 1884 & tern bench pairs -p 1884 -q 1 --rate 10000",
            "  tern bench sub --subs 1000 --filters 1000 -d 60s        (1M subscriptions)",
            "  tern bench pub --pubs 1000 -n 1000 -q 1 --retain -t 'r/%%i/%%n'   (1M retained)",
            "Exit codes: 0 ok, 1 a QoS 1/2 message acknowledged to its publisher was not delivered, or errors; "
                    + "2 wrong option."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--version", versionHelp = true, description = "Print version information and exit.")
    boolean versionRequested;

    @Parameters(index = "0", paramLabel = "SCENARIO",
            description = "conn | pub | sub | fanin | fanout | pairs | shared | sink | relay")
    String scenario;

    @Option(names = {"-h", "--host"}, description = "Broker host. Default: ${DEFAULT-VALUE}.",
            defaultValue = "127.0.0.1")
    String host;

    @Option(names = {"-p", "--port"}, description = "Broker port (for sink/relay: the port to listen on). "
            + "Default: ${DEFAULT-VALUE}.", defaultValue = "1883")
    int port;

    @Option(names = {"-q", "--qos"}, description = "QoS of publishes and subscriptions. Default: ${DEFAULT-VALUE}.",
            defaultValue = "0")
    int qos;

    @Option(names = {"-s", "--size"}, description = "Payload size in bytes (at least 20). Default: ${DEFAULT-VALUE}.",
            defaultValue = "64")
    int size;

    @Option(names = {"-t", "--topic"}, description = "Topic of publisher i, %%i replaced by i, %%n by the "
            + "message's number (1, 2, ...: every message its own topic). Default: ${DEFAULT-VALUE}.",
            defaultValue = "bench/%i")
    String topic;

    @Option(names = "--retain", description = "Publish with the RETAIN flag (with %%n in the topic: a retained "
            + "message per message, e.g. -t 'tenant/%%i/device/%%n/temp').")
    boolean retain;

    @Option(names = "--filters", description = "Filters per subscriber; more than 1: subscriber i subscribes to "
            + "that many filters of tenant i, 90%% exact (tenant/i/device/D/temp) and 10%% with + and # (the "
            + "topic index benchmarks' mix), for memory footprint runs. Default: ${DEFAULT-VALUE}.",
            defaultValue = "1")
    int filters;

    @Option(names = {"-V", "--protocol-version"}, description = "MQTT version: 31, 311 or 5. "
            + "Default: ${DEFAULT-VALUE}.", defaultValue = "311")
    String protocolVersion;

    @Option(names = "--pubs", description = "Publishers (default per scenario: fanin/shared 4, pairs 100, "
            + "pub/fanout 1).")
    int publishers;

    @Option(names = "--subs", description = "Subscribers (default per scenario: fanin/sub 1, fanout 100, "
            + "pairs = publishers, shared 4).")
    int subscribers;

    @Option(names = {"-r", "--rate"}, description = "Total messages per second over all publishers; 0 = as fast "
            + "as the window allows. Default: ${DEFAULT-VALUE}.", defaultValue = "0")
    long rate;

    @Option(names = {"-w", "--inflight"}, description = "Per-publisher window of unacknowledged QoS 1/2 "
            + "messages. Default: ${DEFAULT-VALUE}.", defaultValue = "64")
    int inflight;

    @Option(names = "--qos0-window", description = "QoS 0 publishers stay at most this many messages ahead of "
            + "the highest one their subscribers received (a message the broker dropped does not hold it shut); "
            + "0 = publish as fast as the broker reads. Without it, a broker that reads faster than it delivers "
            + "and does not hold publishers back measures its backlog's growth. Default: ${DEFAULT-VALUE}.",
            defaultValue = "0")
    int qos0Window;

    @Option(names = "--tls", description = "Connect with TLS (the broker's certificate is checked against --cafile, or "
            + "the JDK's trusted CAs, and its host name against -h).")
    boolean tls;

    @Option(names = "--cafile", paramLabel = "FILE", description = "CA certificate(s), PEM, for TLS; implies --tls.")
    java.nio.file.Path caFile;

    @Option(names = "--insecure", description = "TLS without checking the broker's certificate (test certificates); "
            + "implies --tls.")
    boolean insecure;

    @Option(names = "--ws", description = "MQTT over WebSocket (with --tls: wss), subprotocol mqtt.")
    boolean webSocket;

    @Option(names = "--ws-path", paramLabel = "PATH", description = "The WebSocket listener's path. "
            + "Default: ${DEFAULT-VALUE}.", defaultValue = "/mqtt")
    String webSocketPath;

    @Option(names = {"-d", "--duration"}, description = "How long to publish (or, for conn, to hold). "
            + "Default: ${DEFAULT-VALUE}.", defaultValue = "10s")
    String duration;

    @Option(names = {"-n", "--count"}, description = "Messages per publisher; 0 = until the duration ends. "
            + "Default: ${DEFAULT-VALUE}.", defaultValue = "0")
    long count;

    @Option(names = {"-c", "--connections"}, description = "conn: connections to open. Default: ${DEFAULT-VALUE}.",
            defaultValue = "1000")
    int connections;

    @Option(names = "--connect-rate", description = "conn: new connections per second. "
            + "Default: ${DEFAULT-VALUE}.", defaultValue = "1000")
    int connectRate;

    @Option(names = "--source-addresses", paramLabel = "ADDR[,ADDR...]", split = ",",
            description = "Local addresses to connect from, in turn (connection i from address i mod n). Each has "
                    + "its own ephemeral ports: e.g. 127.0.0.1,127.0.0.2 to hold more connections to one broker "
                    + "than one loopback address allows. Default: the system chooses.")
    List<String> sourceAddresses = List.of();

    @Option(names = "--warmup", description = "Load before measuring, not counted (JVM brokers want ~15s). "
            + "Default: ${DEFAULT-VALUE}.", defaultValue = "0s")
    String warmup;

    @Option(names = {"-i", "--id-prefix"}, description = "Client id prefix. Default: ${DEFAULT-VALUE}.",
            defaultValue = "tern-bench")
    String idPrefix;

    @Option(names = "--json", description = "Print the result as one JSON object instead of the summary line.")
    boolean json;

    @Option(names = "--quiet", description = "No progress lines.")
    boolean quiet;

    @Option(names = "--persistent", description = "Subscribers keep persistent sessions (clean session 0; MQTT 5: "
            + "session expiry 1 h), so a durable broker stores what they get. Use a fresh broker or --id-prefix: "
            + "a session left by an earlier run would deliver its old messages.")
    boolean persistent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String name = scenario.toLowerCase(Locale.ROOT);
        if (name.equals("sink") || name.equals("relay")) {
            return serve(name.equals("sink") ? ReferenceServer.Mode.SINK : ReferenceServer.Mode.RELAY, out);
        }
        Scenario sc;
        try {
            sc = Scenario.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown scenario '" + scenario
                    + "' (conn, pub, sub, fanin, fanout, pairs, shared, sink, relay)");
        }
        BenchOptions options;
        try {
            options = new BenchOptions(sc, host, port, version(), qos, size, topic, publishers, subscribers, rate,
                    inflight, duration(duration, "--duration"), count, connections, connectRate,
                    duration(warmup, "--warmup"), idPrefix, quiet || json, persistent, retain, filters,
                    qos0Window, sourceAddresses(), transport());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        BenchResult result;
        try (BenchRunner runner = new BenchRunner(options, out::println)) {
            result = runner.run();
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("tern bench: " + e.getMessage());
            return 1;
        }
        out.println(json ? result.toJson() : result.summaryLine());
        boolean failed = (qos > 0 && !result.noLoss()) || result.errors() > 0;
        return failed ? 1 : 0;
    }

    private int serve(ReferenceServer.Mode mode, PrintWriter out) throws InterruptedException {
        try (ReferenceServer server = new ReferenceServer(mode, host, port,
                Runtime.getRuntime().availableProcessors())) {
            out.println("tern bench " + mode.name().toLowerCase(Locale.ROOT) + " listening on " + host + ":"
                    + server.port() + " (Ctrl-C to stop)");
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }

    /** Address literals only: a name would be resolved, and could stand for an address of another machine. */
    private dev.tern.bench.BenchTransport transport() {
        if (caFile != null && !java.nio.file.Files.isReadable(caFile)) {
            throw new IllegalArgumentException("--cafile: cannot read " + caFile);
        }
        return new dev.tern.bench.BenchTransport(tls || caFile != null || insecure, caFile, insecure, webSocket,
                webSocketPath);
    }

    private List<InetAddress> sourceAddresses() {
        List<InetAddress> out = new ArrayList<>();
        for (String text : sourceAddresses) {
            InetAddress address = NetUtil.createInetAddressFromIpAddressString(text.trim());
            if (address == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--source-addresses: '" + text
                        + "' is not an IPv4 or IPv6 address");
            }
            out.add(address);
        }
        return out;
    }

    private MqttVersion version() {
        return switch (protocolVersion) {
            case "31", "3.1", "mqttv31" -> MqttVersion.V3_1;
            case "311", "3.1.1", "mqttv311" -> MqttVersion.V3_1_1;
            case "5", "mqttv5" -> MqttVersion.V5;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "unknown protocol version '" + protocolVersion + "' (31, 311 or 5)");
        };
    }

    private Duration duration(String text, String option) {
        try {
            return ConfigValues.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": expected "
                    + ConfigValues.DURATION_FORMS + ", got '" + text + "'");
        }
    }
}
