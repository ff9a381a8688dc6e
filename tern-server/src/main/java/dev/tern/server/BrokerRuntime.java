package dev.tern.server;

import dev.tern.core.Broker;
import dev.tern.core.EnhancedAuthSettings;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.ListenerConfig;
import dev.tern.spi.storage.StorageEngine;
import dev.tern.spi.storage.StorageException;
import dev.tern.spi.storage.SyncMode;
import dev.tern.storage.rocksdb.RocksDbStorageEngine;
import dev.tern.transport.ConnectionBudget;
import dev.tern.transport.EventLoops;
import dev.tern.transport.ListenerSettings;
import dev.tern.transport.TcpListener;
import dev.tern.transport.tls.ServerTls;
import dev.tern.transport.tls.TlsFileException;
import dev.tern.transport.tls.TlsProvider;
import dev.tern.transport.ws.WebSocketTransport;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires configuration, threads, core and listeners together, and takes them down in order. */
final class BrokerRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerRuntime.class);

    /** How often the certificate, key, CA and CRL files of TLS listeners are checked for changes. */
    static final Duration TLS_POLL_INTERVAL = Duration.ofSeconds(2);
    /** How long an HTTPS client of the HTTP listener may take for its TLS handshake. */
    static final Duration HTTP_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final BrokerConfig config;
    /** Reads the configuration again at a reload; null: a reload re-reads only files. */
    private final ConfigSource source;
    private final LogControl logControl;
    /** The configuration in force: {@link #config} with what reloads changed at run time. */
    private volatile BrokerConfig inForce;
    private EventLoops loops;
    private Security security;
    /** limits.max-connections, shared by every listener. */
    private ConnectionBudget connectionBudget;
    private Broker broker;
    /** The durable store; null with the memory engine. Closed after the broker's sessions are. */
    private StorageEngine storage;
    private final List<TcpListener> listeners = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    /** The TLS side of each TLS listener, with the listener's name (for reload logs). */
    private final List<NamedTls> tls = new ArrayList<>();
    private final List<ServerTls.Watcher> tlsWatchers = new ArrayList<>();
    private boolean started;
    private boolean stopped;
    /** $SYS topics, metrics and the admin HTTP API; started after the listeners, stopped first. */
    private dev.tern.observability.Observability observability;

    /** @param label names it in logs and errors: "listener tls 0.0.0.0:8883", "http.tls" */
    private record NamedTls(String label, ServerTls tls) {
    }

    BrokerRuntime(BrokerConfig config) {
        this(config, null, null);
    }

    BrokerRuntime(BrokerConfig config, ConfigSource source, LogControl logControl) {
        this.config = config;
        this.source = source;
        this.logControl = logControl;
        this.inForce = config;
    }

    synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        security = new Security(config.auth(), config.listeners(), Clock.systemUTC());
        connectionBudget = new ConnectionBudget(config.limits().maxConnections());
        loops = EventLoops.create(0);
        try {
            storage = openStorage(config.storage());
            broker = new Broker(config.mqtt(), config.limits().client(), security.authenticator(),
                    security.authorizer(), new EnhancedAuthSettings(security.enhancedAuthenticators(),
                            config.limits().connectTimeout()), loops.executors(), Clock.systemUTC(), storage);
            if (storage != null) {
                LOG.info("storage: {}; {}", storage.describe(), broker.restore());
            }
            for (ListenerConfig lc : config.listeners()) {
                ServerTls serverTls = switch (lc.type()) {
                    case "tcp", "ws" -> null;
                    case "tls", "wss" -> tlsOf(lc);
                    default -> throw new IllegalArgumentException("listener " + lc.describe() + ": unknown type '"
                            + lc.type() + "' (tcp, tls, ws or wss)");
                };
                ListenerSettings ls = listenerSettings(lc, config);
                TcpListener listener = new TcpListener(loops, broker, ls, serverTls, connectionBudget);
                ports.add(listener.bind());
                listeners.add(listener);
                security.bindListener(listeners.size() - 1, listener.name());
                if (lc.passwordFile() != null || lc.aclFile() != null) {
                    LOG.info("listener {}: its own {}{}{} (instead of the auth section's)", listener.name(),
                            lc.passwordFile() != null ? "password file " + lc.passwordFile() : "",
                            lc.passwordFile() != null && lc.aclFile() != null ? " and " : "",
                            lc.aclFile() != null ? "ACL file " + lc.aclFile() : "");
                }
                if (serverTls != null) {
                    tls.add(new NamedTls("listener " + listener.name(), serverTls));
                    LOG.info("listener {}: {}", listener.name(), serverTls.describe());
                    serverTls.warnings().forEach(w -> LOG.warn("listener {}: {}", listener.name(), w));
                }
                if (ls.webSocket()) {
                    LOG.info("listener {}: MQTT over WebSocket on path {} (subprotocols {})", listener.name(),
                            ls.webSocketPath(), String.join(", ", WebSocketTransport.SUBPROTOCOLS));
                }
                if (ls.maxConnectionRate() > 0 || ls.maxConnectionRatePerAddress() > 0) {
                    LOG.info("listener {}: at most {} new connections a second, {} from one address",
                            listener.name(), rateText(ls.maxConnectionRate()),
                            rateText(ls.maxConnectionRatePerAddress()));
                }
                if (ls.proxyProtocol()) {
                    LOG.info("listener {}: expects a PROXY protocol header (v1 or v2) on every connection; "
                            + "connections without one are refused", listener.name());
                }
                boolean anonymous = lc.allowAnonymous() != null ? lc.allowAnonymous()
                        : config.auth().allowAnonymous();
                security.anonymous().register(listener.name(), anonymous);
                if (anonymous && !isLoopback(lc.host())) {
                    LOG.warn("listener {} accepts anonymous clients on a non-loopback address", listener.name());
                }
            }
            startObservability();
            security.watch();
            for (NamedTls t : tls) {
                tlsWatchers.add(t.tls().watch(TLS_POLL_INTERVAL, (serverTls, error) -> logTlsReload(t, error)));
            }
        } catch (BindException e) {
            stop();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    /**
     * Opens the store {@code storage:} asks for; null for the memory engine (the core then keeps everything in its
     * own structures). A folder that is locked, damaged or unusable stops the start with the store's message, which
     * names the folder and what to do.
     */
    private static StorageEngine openStorage(dev.tern.server.config.StorageConfig sc) {
        if (sc.inMemory()) {
            return null;
        }
        try {
            return RocksDbStorageEngine.open(sc.dir(), SyncMode.parse(sc.sync()));
        } catch (StorageException e) {
            throw new IllegalStateException("storage.dir " + sc.dir().toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** What the transport needs of a listener of {@code c}. */
    private static ListenerSettings listenerSettings(ListenerConfig lc, BrokerConfig c) {
        return new ListenerSettings(lc.type(), lc.host(), lc.port(), c.mqtt().maxPacketSize(),
                c.limits().connectTimeout(), lc.maxConnections(), ListenerConfig.isWebSocket(lc.type()) ? lc.path()
                        : null, lc.proxyProtocol(), lc.maxConnectionRate(), lc.maxConnectionRatePerAddress());
    }

    private static String rateText(int perSecond) {
        return perSecond == 0 ? "any number" : Integer.toString(perSecond);
    }

    /**
     * Loads the files of a tls or wss listener; a file that cannot be used stops the start with a message naming
     * it.
     */
    private ServerTls tlsOf(ListenerConfig lc) {
        if (lc.tls() == null) {
            throw new IllegalArgumentException("listener " + lc.describe() + ": a " + lc.type() + " listener needs "
                    + "its tls settings (cert and key)");
        }
        if (tls.isEmpty()) {
            String whyNot = TlsProvider.openSslUnavailableReason();
            if (whyNot != null) {
                LOG.info("OpenSSL is not available here ({}); TLS listeners use the JDK's TLS", whyNot);
            }
        }
        try {
            return ServerTls.create(lc.tls().settings());
        } catch (TlsFileException e) {
            throw new IllegalArgumentException("listener " + lc.describe() + ": "
                    + (e.key() != null ? "tls." + e.key() + ": " : "") + e.getMessage(), e);
        }
    }

    private static void logTlsReload(NamedTls t, Optional<String> error) {
        if (error.isPresent()) {
            LOG.warn("{}: new TLS files refused: {}", t.label(), error.get());
        } else {
            X509Certificate cert = t.tls().certificate();
            LOG.info("{}: reloaded TLS files; certificate {} serial {} valid until {}", t.label(),
                    cert.getSubjectX500Principal().getName(), cert.getSerialNumber().toString(16),
                    cert.getNotAfter().toInstant());
            t.tls().warnings().forEach(w -> LOG.warn("{}: {}", t.label(), w));
        }
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    /** The bound listeners, for the ready line: "tcp 127.0.0.1:1883". */
    synchronized List<String> describeListeners() {
        List<String> out = new ArrayList<>();
        for (TcpListener l : listeners) {
            out.add(l.name());
        }
        return out;
    }

    /** The bound ws and wss listeners, for the dashboard's topic explorer. */
    synchronized List<dev.tern.observability.WebSocketEndpoint> describeWebSocketEndpoints() {
        List<dev.tern.observability.WebSocketEndpoint> out = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            ListenerConfig lc = config.listeners().get(i);
            if (ListenerConfig.isWebSocket(lc.type())) {
                out.add(new dev.tern.observability.WebSocketEndpoint(lc.type(), lc.host(), ports.get(i), lc.path(),
                        lc.proxyProtocol()));
            }
        }
        return out;
    }

    /**
     * Re-reads what can change at run time: the configuration (with a {@link ConfigSource}), whose run-time
     * settings are applied (see {@link ConfigChanges}), then the password, ACL, JWT and SCRAM files and the
     * certificate, key, CA and CRL files of the TLS listeners (new connections get the new certificates; open ones
     * are not touched). A configuration with an error is refused whole: nothing is reloaded. A file that does not
     * load is refused and its previous version stays in force.
     */
    synchronized dev.tern.observability.ReloadReport reload() {
        if (security == null) {
            throw new IllegalStateException("not started");
        }
        List<String> applied = List.of();
        List<String> needsRestart = List.of();
        if (source != null) {
            BrokerConfig read;
            try {
                read = source.read();
            } catch (RuntimeException e) {
                LOG.warn("reload refused, the configuration in force stays: {}", e.getMessage());
                return dev.tern.observability.ReloadReport.ofErrors(List.of(String.valueOf(e.getMessage())));
            }
            ConfigChanges changes = ConfigChanges.between(inForce, read);
            changes.applied().forEach(line -> LOG.info("reload: {}", line));
            changes.needsRestart().forEach(line -> LOG.warn("reload: {}", line));
            apply(changes.inForce(), changes.changedLog());
            inForce = changes.inForce();
            applied = changes.applied();
            needsRestart = changes.needsRestart();
        }
        List<String> errors = new ArrayList<>(security.reload());
        for (NamedTls t : tls) {
            Optional<String> error = t.tls().reload();
            logTlsReload(t, error);
            error.ifPresent(e -> errors.add(t.label() + ": " + e));
        }
        return new dev.tern.observability.ReloadReport(applied, needsRestart, errors);
    }

    /**
     * Puts the run-time settings of {@code next} in force: the core's MQTT settings and per-client limits, the
     * connection budget, each listener's limits and anonymous rule (for connections accepted from now on), and
     * the log section.
     */
    private void apply(BrokerConfig next, boolean logChanged) {
        broker.update(next.mqtt(), next.limits().client(), next.limits().connectTimeout());
        connectionBudget.max(next.limits().maxConnections());
        for (int i = 0; i < listeners.size(); i++) {
            ListenerConfig lc = next.listeners().get(i);
            TcpListener listener = listeners.get(i);
            listener.update(listenerSettings(lc, next));
            boolean anonymous = lc.allowAnonymous() != null ? lc.allowAnonymous() : next.auth().allowAnonymous();
            security.anonymous().register(listener.name(), anonymous);
        }
        if (logChanged && logControl != null) {
            logControl.apply(next.log()).forEach(LOG::warn);
        }
    }

    /** The configuration in force. */
    BrokerConfig configInForce() {
        return inForce;
    }

    synchronized List<Integer> boundPorts() {
        return List.copyOf(ports);
    }

    /**
     * Starts $SYS publishing and, when {@code http.enabled}, metrics and the admin API. A listener the file asked
     * for must bind; the default one (no {@code http:} section) only warns when its port is taken.
     */
    private void startObservability() {
        dev.tern.server.config.HttpConfig h = config.http();
        dev.tern.observability.HttpSettings settings = h.enabled()
                ? new dev.tern.observability.HttpSettings(h.host(), h.port(), httpToken(h), h.admins(),
                        h.allowAnonymous(), httpTls(h))
                : null;
        dev.tern.observability.BrokerControl control = new dev.tern.observability.BrokerControl() {
            @Override
            public String version() {
                return dev.tern.observability.Observability.version();
            }

            @Override
            public List<String> listeners() {
                return describeListeners();
            }

            @Override
            public List<dev.tern.observability.WebSocketEndpoint> webSocketEndpoints() {
                return describeWebSocketEndpoints();
            }

            @Override
            public dev.tern.observability.ReloadReport reload() {
                return BrokerRuntime.this.reload();
            }
        };
        try {
            observability = dev.tern.observability.Observability.start(broker, settings, config.sysInterval(), control);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (settings == null || h.explicit()) {
                throw new IllegalStateException("http.bind " + h.host() + ":" + h.port() + ": cannot start the HTTP "
                        + "listener: " + cause.getMessage(), e);
            }
            LOG.warn("no HTTP metrics, admin API or dashboard: {}:{} is not available ({}); set http.bind to another address",
                    h.host(), h.port(), cause.getMessage());
            observability = dev.tern.observability.Observability.start(broker, null, config.sysInterval(), control);
        }
    }

    /**
     * {@code http.token}; or, when no credentials are configured at all and the broker keeps a data folder, the token
     * of {@code <data>/http-token} (created at the first start), so that the dashboard and {@code tern ctl} work
     * without a secret in the configuration. Null otherwise (every request then gets 401).
     */
    private String httpToken(dev.tern.server.config.HttpConfig h) {
        if (h.token() != null || h.admins() != null || h.allowAnonymous() || config.storage().inMemory()) {
            return h.token();
        }
        HttpTokenFile.Token t = HttpTokenFile.readOrCreate(config.storage().dir());
        LOG.info("http.token and http.admins are not set: the HTTP listener's bearer token is in {}{} (for the "
                + "dashboard and tern ctl; set http.token or http.admins to choose your own)", t.file().toAbsolutePath(),
                t.created() ? ", created now" : "");
        return t.value();
    }

    /**
     * HTTPS of the HTTP listener ({@code http.tls}), or null: its files are loaded now (an unusable one stops the
     * start naming {@code http.tls}), then watched and reloaded like a TLS listener's.
     */
    private dev.tern.observability.HttpTls httpTls(dev.tern.server.config.HttpConfig h) {
        if (h.tls() == null) {
            return null;
        }
        ServerTls serverTls;
        try {
            serverTls = ServerTls.create(h.tls().settings());
        } catch (TlsFileException e) {
            throw new IllegalArgumentException("http.tls" + (e.key() != null ? "." + e.key() : "") + ": "
                    + e.getMessage(), e);
        }
        tls.add(new NamedTls("http.tls", serverTls));
        serverTls.warnings().forEach(w -> LOG.warn("http.tls: {}", w));
        return new dev.tern.observability.HttpTls() {
            @Override
            public io.netty.handler.ssl.SslHandler newHandler(io.netty.buffer.ByteBufAllocator alloc) {
                return serverTls.newHandler(alloc, HTTP_HANDSHAKE_TIMEOUT);
            }

            @Override
            public String describe() {
                return serverTls.describe();
            }
        };
    }

    /** $SYS, metrics and admin API; null before start. */
    synchronized dev.tern.observability.Observability observability() {
        return observability;
    }

    synchronized Broker broker() {
        return broker;
    }

    synchronized void stop() {
        if (stopped || !started) {
            return;
        }
        stopped = true;
        if (observability != null) {
            observability.close();
        }
        tlsWatchers.forEach(ServerTls.Watcher::close);
        tlsWatchers.clear();
        for (TcpListener l : listeners) {
            l.stopAccepting();
        }
        if (broker != null) {
            try {
                broker.shutdown().get(5, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                LOG.warn("shutdown: sessions did not close within 5 s");
            } catch (Exception e) {
                LOG.warn("shutdown: {}", e.toString());
            }
        }
        if (storage != null) {
            try {
                storage.close();
            } catch (RuntimeException e) {
                LOG.warn("shutdown: closing the store: {}", e.toString());
            }
        }
        if (loops != null) {
            loops.close();
        }
        if (security != null) {
            security.close();
        }
    }
}
