package dev.tern.cli;

import dev.tern.cli.log.LogSetup;
import dev.tern.server.Tern;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.ConfigDocument;
import dev.tern.server.config.ConfigException;
import dev.tern.server.config.ConfigLoader;
import dev.tern.server.config.HostPort;
import dev.tern.server.config.ListenerConfig;
import dev.tern.server.config.LogConfig;
import dev.tern.server.config.StorageConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tern broker}: runs the broker until SIGTERM or SIGINT (Ctrl-C). */
@Command(name = "broker",
        mixinStandardHelpOptions = true,
        versionProvider = TernCommand.Version.class,
        sortOptions = false,
        description = {
            "Run the MQTT broker.",
            "Without a config file it listens on 127.0.0.1:1883 (this machine only), allows anonymous clients "
                    + "and keeps everything in memory. It logs one line when ready; SIGTERM or Ctrl-C stops it "
                    + "gracefully (MQTT 5 clients get DISCONNECT 0x8B) and it exits 0."},
        footerHeading = "%n",
        footer = {"Options override the config file: -p and --bind its first listener, --data storage.dir, "
                + "--in-memory storage.engine, -v and --log-format the log section.",
            "Exit codes: 0 ok, 1 cannot start (e.g. port in use), 2 wrong option or configuration."})
public final class BrokerCommand implements Callable<Integer> {
    static final int DEFAULT_PORT = 1883;
    static final String DEFAULT_BIND = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger("dev.tern.cli");

    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT",
            description = "TCP port to listen on; 0 picks a free one. Default: 1883, or the port of the config "
                    + "file's first listener.")
    Integer port;

    @Option(names = "--bind", paramLabel = "HOST",
            description = "Address to listen on: 0.0.0.0 for all IPv4 interfaces, :: for all, a host name or an "
                    + "IP. Default: 127.0.0.1 (this machine only), or the address of the config file's first "
                    + "listener.")
    String bind;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML configuration file (docs/configuration.md). An unknown key or a bad value stops "
                    + "the broker with a message naming the line.")
    Path config;

    @Option(names = "--check-config",
            description = "Only check the configuration (file and options), print the result and exit: 0 if "
                    + "valid, 2 if not.")
    boolean checkConfig;

    @Option(names = "--in-memory",
            description = "Keep sessions, queues and retained messages in memory only (storage.engine: memory); "
                    + "they are lost on restart. Default: durable storage (RocksDB) in the data folder.")
    boolean inMemory;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Data folder of the durable storage (storage.dir, default ./data). One broker at a time "
                    + "may use a folder.")
    Path data;

    @Option(names = {"-v", "--verbose"},
            description = "Verbose logging: DEBUG for dev.tern (connections, refused clients, protocol errors).")
    boolean verbose;

    @Option(names = "--log-format", paramLabel = "text|json",
            description = "Log lines as text (default) or as one JSON object per line (log.format; also "
                    + "TERN_LOG_FORMAT).")
    String logFormat;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ConfigDocument document;
        try {
            document = resolve();
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        BrokerConfig effective = document.broker();
        if (checkConfig) {
            PrintWriter out = spec.commandLine().getOut();
            out.println((config != null ? config + ": " : "") + "configuration OK: listeners "
                    + describeListeners(effective.listeners()) + ", storage " + describeStorage(effective.storage()));
            document.notes().forEach(n -> out.println("note: " + n));
            out.flush();
            return CommandLine.ExitCode.OK;
        }
        LogSetup.apply(effective.log()).forEach(LOG::warn);
        document.notes().forEach(LOG::warn);
        Tern tern;
        try {
            tern = start(Tern.builder().config(effective).reloadFrom(() -> resolve().broker())
                    .logControl(LogSetup::apply));
        } catch (RuntimeException e) {
            String message = bindFailure(e, effective.listeners());
            if (message == null && e.getCause() instanceof dev.tern.spi.storage.StorageException) {
                message = e.getMessage();
            }
            if (message == null) {
                throw e;
            }
            err.println(message);
            err.flush();
            return CommandLine.ExitCode.SOFTWARE;
        }
        // handlers first: once the ready line is out, a supervisor may signal at once
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(tern), "tern-shutdown"));
        ReloadSignal.install(tern);
        LOG.info(readyLine(tern));
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return CommandLine.ExitCode.OK;
    }

    /** The configuration the options ask for: the file (or the defaults) with the options applied. */
    ConfigDocument resolve() {
        ConfigDocument document = config != null || hasEnvironmentSettings()
                ? ConfigLoader.loadDocument(config, environment) : ConfigDocument.defaults();
        BrokerConfig c = document.broker();
        if (port != null && (port < 0 || port > 65535)) {
            throw new ConfigException("--port: expected a port 0..65535, got " + port);
        }
        String host = null;
        if (bind != null) {
            try {
                host = HostPort.parseHost(bind);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--bind: expected a host name or IP address (e.g. 0.0.0.0, ::1), got '"
                        + bind + "'");
            }
        }
        if (port != null || host != null) {
            List<ListenerConfig> listeners = new ArrayList<>(c.listeners());
            ListenerConfig first = listeners.get(0);
            listeners.set(0, first.withAddress(host != null ? host : first.host(),
                    port != null ? port : first.port()));
            c = c.withListeners(listeners);
        }
        StorageConfig s = c.storage();
        if (data != null || inMemory) {
            c = c.withStorage(new StorageConfig(inMemory ? "memory" : s.engine(), data != null ? data : s.dir(),
                    s.sync()));
        }
        if (logFormat != null) {
            String f = logFormat.strip().toLowerCase(Locale.ROOT);
            if (!f.equals("text") && !f.equals("json")) {
                throw new ConfigException("--log-format: expected text or json, got '" + logFormat + "'");
            }
            c = c.withLog(c.log().withFormat(LogConfig.Format.valueOf(f.toUpperCase(Locale.ROOT))));
        }
        if (verbose) {
            c = c.withLog(c.log().withLevel("dev.tern", "debug"));
        }
        return new ConfigDocument(c, document.httpBind(), document.sysInterval(), document.notes());
    }

    /** The environment whose TERN_... variables override the file; tests replace it. */
    java.util.Map<String, String> environment = System.getenv();

    private boolean hasEnvironmentSettings() {
        return environment.keySet().stream().anyMatch(k -> k.startsWith("TERN_") && !k.equals("TERN_JAVA_OPTS")
                && !k.equals("TERN_TOKEN"));
    }

    /** Builds and starts the broker. */
    static Tern start(BrokerConfig effective) {
        return start(Tern.builder().config(effective));
    }

    /** Builds and starts the broker; closes it again when the start fails. */
    static Tern start(Tern.Builder builder) {
        Tern tern = builder.build();
        try {
            tern.start();
        } catch (RuntimeException e) {
            try {
                tern.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return tern;
    }

    /** "rocksdb at /abs/data (sync always)" or "memory". */
    static String describeStorage(StorageConfig s) {
        return s.inMemory() ? "memory" : s.engine() + " at " + s.dir().toAbsolutePath().normalize() + " (sync "
                + s.sync() + ")";
    }

    /** {@code Tern 0.1.0 ready: listeners tcp 127.0.0.1:1883, storage memory}, with the bound ports. */
    static String readyLine(Tern tern) {
        List<ListenerConfig> configured = tern.config().listeners();
        List<Integer> ports = tern.ports();
        List<ListenerConfig> bound = new ArrayList<>();
        for (int i = 0; i < configured.size(); i++) {
            ListenerConfig l = configured.get(i);
            bound.add(i < ports.size() ? l.withAddress(l.host(), ports.get(i)) : l);
        }
        return "Tern " + TernCommand.version() + " ready: listeners " + describeListeners(bound) + ", storage "
                + describeStorage(tern.config().storage());
    }

    static String describeListeners(List<ListenerConfig> listeners) {
        return listeners.stream().map(ListenerConfig::describe).collect(Collectors.joining(", "));
    }

    private static void stop(Tern tern) {
        LOG.info("stopping: closing listeners and connections");
        try {
            tern.close();
            LOG.info("stopped");
        } catch (RuntimeException e) {
            LOG.error("error while stopping", e);
        }
        System.out.flush();
        System.err.flush();
        // The JVM exits with 128+signal after a SIGTERM/SIGINT; a graceful stop is a success, so say 0.
        Runtime.getRuntime().halt(0);
    }

    /**
     * A message for a listener that could not be bound, or null when {@code e} is something else:
     * {@code cannot listen on 127.0.0.1:1883: address already in use (is another broker running?)}.
     */
    static String bindFailure(Throwable e, List<ListenerConfig> listeners) {
        String reason = null;
        for (Throwable t = e; t != null && reason == null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("address already in use")) {
                reason = "address already in use (is another broker running?)";
            } else if (m.contains("cannot assign requested address")) {
                reason = "cannot assign requested address (is it an address of this machine?)";
            } else if (m.contains("permission denied") || m.contains("access denied")) {
                reason = "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)";
            } else if (t instanceof BindException) {
                reason = t.getMessage() == null ? "cannot bind" : m;
            }
        }
        if (reason == null) {
            return null;
        }
        return "cannot listen on " + culprit(listeners).describe().replaceFirst("^\\S+ ", "") + ": " + reason;
    }

    /** The listener that cannot be bound: the only one, or the first whose address a probe cannot bind. */
    private static ListenerConfig culprit(List<ListenerConfig> listeners) {
        if (listeners.size() > 1) {
            for (ListenerConfig l : listeners) {
                if (l.port() == 0) {
                    continue;
                }
                try (ServerSocket probe = new ServerSocket()) {
                    probe.bind(new InetSocketAddress(l.host(), l.port()));
                } catch (IOException | RuntimeException e) {
                    return l;
                }
            }
        }
        return listeners.get(0);
    }
}
