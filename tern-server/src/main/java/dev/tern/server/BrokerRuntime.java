package dev.tern.server;

import dev.tern.core.Broker;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.ListenerConfig;
import dev.tern.transport.EventLoops;
import dev.tern.transport.ListenerSettings;
import dev.tern.transport.TcpListener;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires configuration, threads, core and listeners together, and takes them down in order. */
final class BrokerRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerRuntime.class);

    private final BrokerConfig config;
    private EventLoops loops;
    private Security security;
    private Broker broker;
    private final List<TcpListener> listeners = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private boolean started;
    private boolean stopped;

    BrokerRuntime(BrokerConfig config) {
        this.config = config;
    }

    synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        security = new Security(config.auth());
        loops = EventLoops.create(0);
        broker = new Broker(config.mqtt(), security.authenticator(), security.authorizer(), loops.executors(),
                Clock.systemUTC());
        try {
            for (ListenerConfig lc : config.listeners()) {
                if (!lc.type().equals("tcp")) {
                    throw new IllegalArgumentException("listener type '" + lc.type() + "' is not supported yet");
                }
                ListenerSettings ls = new ListenerSettings(lc.type(), lc.host(), lc.port(),
                        config.mqtt().maxPacketSize(), config.limits().connectTimeout(),
                        config.limits().maxConnections());
                TcpListener listener = new TcpListener(loops, broker, ls);
                ports.add(listener.bind());
                listeners.add(listener);
                boolean anonymous = lc.allowAnonymous() != null ? lc.allowAnonymous()
                        : config.auth().allowAnonymous();
                security.anonymous().register(listener.name(), anonymous);
                if (anonymous && !isLoopback(lc.host())) {
                    LOG.warn("listener {} accepts anonymous clients on a non-loopback address", listener.name());
                }
            }
            security.watch();
        } catch (BindException e) {
            stop();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            stop();
            throw e;
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

    /** Re-reads what can change at run time (password and ACL files); returns the errors of refused files. */
    synchronized List<String> reload() {
        if (security == null) {
            throw new IllegalStateException("not started");
        }
        return security.reload();
    }

    synchronized List<Integer> boundPorts() {
        return List.copyOf(ports);
    }

    synchronized Broker broker() {
        return broker;
    }

    synchronized void stop() {
        if (stopped || !started) {
            return;
        }
        stopped = true;
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
        if (loops != null) {
            loops.close();
        }
        if (security != null) {
            security.close();
        }
    }
}
