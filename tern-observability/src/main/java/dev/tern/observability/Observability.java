package dev.tern.observability;

import dev.tern.core.Broker;
import dev.tern.core.BrokerInspector;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that lets an operator see inside a running broker: the $SYS publisher, the metrics registry and the
 * HTTP listener (metrics and admin API). Started after the broker, closed before it.
 *
 * <pre>{@code
 * Observability o = Observability.start(broker, httpSettings, Duration.ofSeconds(10), control);
 * ...
 * o.close();
 * }</pre>
 */
public final class Observability implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Observability.class);

    private final BrokerInspector inspector;
    private final SysTopics sys;
    private final BrokerMetrics metrics;
    private final HttpAuth auth;
    private final AdminHttpServer http;
    private final InetSocketAddress httpAddress;

    private Observability(BrokerInspector inspector, SysTopics sys, BrokerMetrics metrics, HttpAuth auth,
                          AdminHttpServer http, InetSocketAddress httpAddress) {
        this.inspector = inspector;
        this.sys = sys;
        this.metrics = metrics;
        this.auth = auth;
        this.http = http;
        this.httpAddress = httpAddress;
    }

    /**
     * Starts $SYS publishing (unless {@code sysInterval} is zero) and, when {@code http} is not null, the metrics
     * and the HTTP listener.
     *
     * @throws UncheckedIOException when the admins file cannot be read or the HTTP address cannot be bound
     */
    public static Observability start(Broker broker, HttpSettings http, Duration sysInterval, BrokerControl control) {
        BrokerInspector inspector = new BrokerInspector(broker);
        SysTopics sys = new SysTopics(inspector, sysInterval, "Tern " + control.version());
        if (http == null) {
            return new Observability(inspector, sys, null, null, null, null);
        }
        BrokerMetrics metrics = null;
        HttpAuth auth = null;
        AdminHttpServer server = null;
        try {
            metrics = new BrokerMetrics(inspector);
            auth = new HttpAuth(http);
            // the API reports the bound port (http.bind may say 0), known once the server below is bound
            java.util.concurrent.atomic.AtomicReference<InetSocketAddress> boundTo =
                    new java.util.concurrent.atomic.AtomicReference<>();
            AdminApi api = new AdminApi(inspector, control, auth, () -> hostForUrl(http.host()) + ":"
                    + (boundTo.get() == null ? http.port() : boundTo.get().getPort()), sysInterval);
            server = new AdminHttpServer(http, api, metrics, auth);
            InetSocketAddress bound = server.start();
            boundTo.set(bound);
            LOG.info("HTTP metrics, admin API and dashboard on {}://{}:{}/ ({})", http.scheme(), hostForUrl(http.host()),
                    bound.getPort(), describeAccess(http, auth));
            if (http.tls() != null) {
                LOG.info("HTTP listener: {}", http.tls().describe());
            }
            if (!HttpSettings.isLoopback(http.host()) && http.allowAnonymous()) {
                LOG.warn("http.allow-anonymous is ignored: {} is not a loopback address", http.host());
            }
            return new Observability(inspector, sys, metrics, auth, server, bound);
        } catch (IOException e) {
            closeAll(sys, metrics, auth, server);
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAll(sys, metrics, auth, server);
            throw new IllegalStateException("interrupted while binding the HTTP listener", e);
        } catch (RuntimeException e) {
            closeAll(sys, metrics, auth, server);
            throw e;
        }
    }

    private static String describeAccess(HttpSettings http, HttpAuth auth) {
        if (auth.locked()) {
            return "no credentials configured: every request gets 401 until http.token or http.admins is set";
        }
        StringBuilder s = new StringBuilder("access: ");
        if (http.token() != null) {
            s.append("bearer token");
        }
        if (http.admins() != null) {
            s.append(http.token() != null ? ", " : "").append("users of ").append(http.admins());
        }
        if (http.anonymousAllowed()) {
            s.append(http.token() != null || http.admins() != null ? ", " : "").append("anonymous (loopback)");
        }
        return s.toString();
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static void closeAll(AutoCloseable... things) {
        for (AutoCloseable c : things) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("closing {}: {}", c, e.toString());
                }
            }
        }
    }

    /** The bound HTTP address, or null when no HTTP listener runs. */
    public InetSocketAddress httpAddress() {
        return httpAddress;
    }

    public BrokerInspector inspector() {
        return inspector;
    }

    /** The metrics registry, or null without the HTTP listener. */
    public BrokerMetrics metrics() {
        return metrics;
    }

    /** The version this build was made from (from the jar's resources), "dev" when unknown. */
    public static String version() {
        try (InputStream in = Observability.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "dev");
            return v.startsWith("${") ? "dev" : v;
        } catch (IOException e) {
            return "dev";
        }
    }

    /** Stops the HTTP listener first, then $SYS publishing. */
    @Override
    public void close() {
        closeAll(http, auth, sys, metrics);
    }
}
