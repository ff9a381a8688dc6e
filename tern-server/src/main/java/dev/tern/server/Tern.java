package dev.tern.server;

import dev.tern.core.MqttSettings;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.ListenerConfig;
import java.util.List;

/**
 * The embeddable broker.
 *
 * <pre>{@code
 * try (Tern tern = Tern.builder().port(0).build()) {
 *     int port = tern.start();
 *     // connect clients to 127.0.0.1:port
 * }
 * }</pre>
 */
public final class Tern implements AutoCloseable {
    private final BrokerConfig config;
    private final BrokerRuntime runtime;

    private Tern(BrokerConfig config, ConfigSource source, LogControl logControl) {
        this.config = config;
        this.runtime = new BrokerRuntime(config, source, logControl);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds every listener and starts serving. Returns the port of the first listener (useful with port 0). */
    public int start() {
        runtime.start();
        return port();
    }

    /** The bound port of the first listener. */
    public int port() {
        return runtime.boundPorts().get(0);
    }

    /** The bound ports of all listeners, in configuration order. */
    public List<Integer> ports() {
        return runtime.boundPorts();
    }

    /** The listeners as bound, e.g. "tcp 127.0.0.1:1883", for logs and the ready line. */
    public List<String> listenerDescriptions() {
        return runtime.describeListeners();
    }

    /** The running core, for statistics; null before {@link #start()}. */
    public dev.tern.core.Broker broker() {
        return runtime.broker();
    }

    /** The bound address of the HTTP listener (metrics, admin API); null when it does not run. */
    public java.net.InetSocketAddress httpAddress() {
        dev.tern.observability.Observability o = runtime.observability();
        return o == null ? null : o.httpAddress();
    }

    /** The read and admin API of the running core (what the admin HTTP API uses); null before {@link #start()}. */
    public dev.tern.core.BrokerInspector inspector() {
        dev.tern.observability.Observability o = runtime.observability();
        return o == null ? null : o.inspector();
    }

    /**
     * Re-reads the configuration (when the builder was given a {@link Builder#reloadFrom source}) and the password,
     * ACL, JWT, SCRAM and TLS files now (the files are also re-read when they change on disk). A configuration with
     * an error is refused whole and nothing changes; a file that does not parse is refused and the previous one
     * stays in force. The returned list names each refusal. Connected clients stay connected; see
     * docs/configuration.md for which settings apply at run time (and to whom) and which need a restart.
     */
    public List<String> reload() {
        return runtime.reload().errors();
    }

    /** {@link #reload()}, with the settings applied and those that need a restart. */
    public dev.tern.observability.ReloadReport reloadWithReport() {
        return runtime.reload();
    }

    /** The configuration in force: as started, with what reloads have changed at run time. */
    public BrokerConfig configInForce() {
        return runtime.configInForce();
    }

    public BrokerConfig config() {
        return config;
    }

    /** Stops accepting, tells MQTT 5 clients the server is shutting down (0x8B), closes everything. Idempotent. */
    @Override
    public void close() {
        runtime.stop();
    }

    /** Builds a {@link Tern} from a configuration, with shortcuts for the common settings. */
    public static final class Builder {
        private BrokerConfig config = BrokerConfig.defaults();
        private ConfigSource source;
        private LogControl logControl;
        private Integer port;
        private String bind;

        private Builder() {
        }

        /** The whole configuration; {@link #port} and {@link #bind} still override the first listener. */
        public Builder config(BrokerConfig newConfig) {
            this.config = newConfig;
            return this;
        }

        /** Port of the first listener; 0 picks a free one. */
        public Builder port(int newPort) {
            this.port = newPort;
            return this;
        }

        /** Address of the first listener. */
        public Builder bind(String host) {
            this.bind = host;
            return this;
        }

        public Builder mqtt(MqttSettings settings) {
            this.config = config.withMqtt(settings);
            return this;
        }

        /** The HTTP listener of metrics and the admin API (off by default when embedded). */
        public Builder http(dev.tern.server.config.HttpConfig http) {
            this.config = config.withHttp(http);
            return this;
        }

        /** Where sessions, queues and retained messages are kept (default for the embedded broker: memory). */
        public Builder storage(dev.tern.server.config.StorageConfig storage) {
            this.config = config.withStorage(storage);
            return this;
        }

        /** Durable storage (RocksDB) in {@code dir}, with {@code storage.sync: always}. */
        public Builder dataDir(java.nio.file.Path dir) {
            return storage(new dev.tern.server.config.StorageConfig("rocksdb", dir, "always"));
        }

        /**
         * Where {@link Tern#reload()} reads the configuration again (without one, a reload re-reads only the files
         * the configuration names). Its {@code listeners} are compared with the running ones by position.
         */
        public Builder reloadFrom(ConfigSource newSource) {
            this.source = newSource;
            return this;
        }

        /** Applies a reloaded {@code log:} section (without one, the section has no effect). */
        public Builder logControl(LogControl newLogControl) {
            this.logControl = newLogControl;
            return this;
        }

        /** How often $SYS topics are published (default 10 s); zero turns them off. */
        public Builder sysInterval(java.time.Duration interval) {
            this.config = config.withSysInterval(interval);
            return this;
        }

        public Tern build() {
            // port() and bind() apply to what a reload reads too, so that they are not taken for a changed address
            ConfigSource reloaded = source == null ? null : () -> withFirstListener(source.read());
            return new Tern(withFirstListener(config), reloaded, logControl);
        }

        private BrokerConfig withFirstListener(BrokerConfig c) {
            if (port == null && bind == null) {
                return c;
            }
            List<ListenerConfig> listeners = new java.util.ArrayList<>(c.listeners());
            ListenerConfig first = listeners.isEmpty() ? ListenerConfig.tcp("127.0.0.1", 1883) : listeners.get(0);
            ListenerConfig changed = first.withAddress(bind != null ? bind : first.host(),
                    port != null ? port : first.port());
            if (listeners.isEmpty()) {
                listeners.add(changed);
            } else {
                listeners.set(0, changed);
            }
            return c.withListeners(listeners);
        }
    }
}
