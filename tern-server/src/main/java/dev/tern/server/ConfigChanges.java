package dev.tern.server;

import dev.tern.core.ClientLimits;
import dev.tern.core.MqttSettings;
import dev.tern.server.config.AuthConfig;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.ConfigValues;
import dev.tern.server.config.HttpConfig;
import dev.tern.server.config.JwtConfig;
import dev.tern.server.config.LimitsConfig;
import dev.tern.server.config.ListenerConfig;
import dev.tern.server.config.TlsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a reload changes: the configuration read again compared with the one in force, key by key (the keys of
 * docs/configuration.md). Each changed key is either applied at run time ({@link #applied}: the {@code mqtt} and
 * {@code limits} sections, {@code log}, {@code auth.allow-anonymous}, and a listener's {@code allow-anonymous},
 * {@code max-connections} and connection rates) or needs a restart ({@link #needsRestart}: the listeners' addresses
 * and types, their TLS and file settings, {@code storage}, {@code http}, {@code sys-interval}, the {@code auth}
 * files and JWT settings), in which case the value in force is kept. The contents of the files the configuration
 * names (passwords, ACL, certificates) are re-read separately.
 */
final class ConfigChanges {
    /** What a listener may change at run time, as long as its type, address, path and PROXY setting stay. */
    private static final Set<String> LIVE_LISTENER_KEYS = Set.of("allow-anonymous", "max-connections",
            "max-connection-rate", "max-connection-rate-per-address");
    private static final String NOT_SET = "(not set)";

    private final List<String> applied = new ArrayList<>();
    private final List<String> needsRestart = new ArrayList<>();
    private final BrokerConfig inForce;
    private final boolean changedLog;

    private ConfigChanges(BrokerConfig current, BrokerConfig read) {
        Map<String, String> before = flatten(current);
        Map<String, String> after = flatten(read);
        int running = current.listeners().size();
        if (read.listeners().size() != running) {
            needsRestart.add("listeners: the file has " + read.listeners().size() + ", " + running
                    + " are running: adding or removing a listener needs a restart");
        }
        Set<String> keys = new LinkedHashSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String key : keys) {
            String was = before.getOrDefault(key, NOT_SET);
            String now = after.getOrDefault(key, NOT_SET);
            if (was.equals(now)) {
                continue;
            }
            int listener = listenerIndex(key);
            if (listener >= Math.min(running, read.listeners().size())) {
                continue; // a listener added or removed: said above
            }
            if (isLive(key, listener, current, read)) {
                applied.add(key + ": " + show(key, was) + " -> " + show(key, now));
            } else {
                needsRestart.add(key + " changed: needs a restart, kept " + show(key, was));
            }
        }
        this.inForce = merge(current, read);
        this.changedLog = !current.log().equals(read.log());
    }

    /** Compares the configuration in force with the one just read. */
    static ConfigChanges between(BrokerConfig current, BrokerConfig read) {
        return new ConfigChanges(current, read);
    }

    /** One line per setting changed at run time: {@code limits.max-connections: 0 -> 100}. */
    List<String> applied() {
        return applied;
    }

    /** One line per setting that needs a restart: {@code listeners[0].bind changed: needs a restart, kept ...}. */
    List<String> needsRestart() {
        return needsRestart;
    }

    /** The configuration in force after the reload: the new run-time settings, everything else as it was. */
    BrokerConfig inForce() {
        return inForce;
    }

    boolean changedLog() {
        return changedLog;
    }

    /**
     * Whether listener {@code i} is the same listener in both (type, address, WebSocket path and PROXY setting);
     * only then its limits change at run time.
     */
    static boolean sameListener(BrokerConfig current, BrokerConfig read, int i) {
        if (i >= current.listeners().size() || i >= read.listeners().size()) {
            return false;
        }
        ListenerConfig a = current.listeners().get(i);
        ListenerConfig b = read.listeners().get(i);
        return a.type().equals(b.type()) && a.host().equals(b.host()) && a.port() == b.port()
                && Objects.equals(a.path(), b.path()) && a.proxyProtocol() == b.proxyProtocol();
    }

    private static boolean isLive(String key, int listener, BrokerConfig current, BrokerConfig read) {
        if (listener >= 0) {
            String own = key.substring(key.indexOf("].") + 2);
            return LIVE_LISTENER_KEYS.contains(own) && sameListener(current, read, listener);
        }
        return key.startsWith("mqtt.") || key.startsWith("limits.") || key.startsWith("log.")
                || key.equals("auth.allow-anonymous");
    }

    private static BrokerConfig merge(BrokerConfig current, BrokerConfig read) {
        List<ListenerConfig> listeners = new ArrayList<>();
        for (int i = 0; i < current.listeners().size(); i++) {
            ListenerConfig was = current.listeners().get(i);
            if (sameListener(current, read, i)) {
                ListenerConfig now = read.listeners().get(i);
                was = was.withAllowAnonymous(now.allowAnonymous()).withMaxConnections(now.maxConnections())
                        .withConnectionRates(now.maxConnectionRate(), now.maxConnectionRatePerAddress());
            }
            listeners.add(was);
        }
        AuthConfig a = current.auth();
        AuthConfig auth = new AuthConfig(read.auth().allowAnonymous(), a.passwordFile(), a.aclFile(), a.jwt(),
                a.scramFile());
        return new BrokerConfig(listeners, read.mqtt(), auth, read.limits(), current.storage(), current.http(),
                current.sysInterval(), read.log());
    }

    /** -1, or i for {@code listeners[i].x}. */
    private static int listenerIndex(String key) {
        if (!key.startsWith("listeners[")) {
            return -1;
        }
        return Integer.parseInt(key.substring("listeners[".length(), key.indexOf(']')));
    }

    /** A value for a log line: secrets (compared by a hash) are never shown. */
    private static String show(String key, String value) {
        return value.startsWith("(secret ") ? "(secret)" : value;
    }

    // ---- every key, as the file writes it ----

    static Map<String, String> flatten(BrokerConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < c.listeners().size(); i++) {
            listener(m, "listeners[" + i + "].", c.listeners().get(i));
        }
        mqtt(m, c.mqtt());
        auth(m, c.auth());
        limits(m, c.limits());
        put(m, "storage.engine", c.storage().engine());
        put(m, "storage.dir", c.storage().dir());
        put(m, "storage.sync", c.storage().sync());
        http(m, c.http());
        put(m, "sys-interval", c.sysInterval());
        put(m, "log.level", c.log().level());
        c.log().levels().forEach((logger, level) -> put(m, "log.levels." + logger, level));
        put(m, "log.format", c.log().format());
        return m;
    }

    private static void listener(Map<String, String> m, String p, ListenerConfig l) {
        put(m, p + "type", l.type());
        put(m, p + "bind", l.describe().substring(l.type().length() + 1));
        put(m, p + "allow-anonymous", l.allowAnonymous());
        put(m, p + "max-connections", l.maxConnections());
        put(m, p + "max-connection-rate", l.maxConnectionRate());
        put(m, p + "max-connection-rate-per-address", l.maxConnectionRatePerAddress());
        put(m, p + "proxy-protocol", l.proxyProtocol());
        put(m, p + "path", l.path());
        put(m, p + "password-file", l.passwordFile());
        put(m, p + "acl-file", l.aclFile());
        tls(m, p + "tls.", l.tls());
    }

    private static void tls(Map<String, String> m, String p, TlsConfig t) {
        if (t == null) {
            return;
        }
        put(m, p + "cert", t.cert());
        put(m, p + "key", t.key());
        put(m, p + "key-password", t.keyPassword() == null ? null : "(secret " + t.keyPassword().hashCode() + ")");
        put(m, p + "ca", t.ca());
        put(m, p + "crl", t.crl());
        put(m, p + "client-auth", t.clientAuth());
        put(m, p + "use-identity-as-username", t.useIdentityAsUsername());
        put(m, p + "protocols", t.protocols());
        put(m, p + "ciphers", t.ciphers().isEmpty() ? null : t.ciphers());
        put(m, p + "provider", t.provider());
    }

    private static void mqtt(Map<String, String> m, MqttSettings s) {
        put(m, "mqtt.max-keepalive", s.maxKeepAlive());
        put(m, "mqtt.receive-maximum", s.receiveMaximum());
        put(m, "mqtt.max-packet-size", s.maxPacketSize());
        put(m, "mqtt.topic-alias-maximum", s.topicAliasMaximum());
        put(m, "mqtt.max-queued-messages", s.maxQueuedMessages());
        put(m, "mqtt.max-queued-bytes", s.maxQueuedBytes());
        put(m, "mqtt.queue-overflow", s.queueOverflow());
        put(m, "mqtt.queue-qos0", s.queueQos0());
        put(m, "mqtt.persistent-client-expiration", s.persistentClientExpiration());
        put(m, "mqtt.max-client-id-length", s.maxClientIdLength());
        put(m, "mqtt.allow-zero-length-client-id", s.allowZeroLengthClientId());
        put(m, "mqtt.max-session-expiry-interval", s.maxSessionExpiryInterval());
        put(m, "mqtt.max-inflight", s.maxInflight());
    }

    private static void auth(Map<String, String> m, AuthConfig a) {
        put(m, "auth.allow-anonymous", a.allowAnonymous());
        put(m, "auth.password-file", a.passwordFile());
        put(m, "auth.acl-file", a.aclFile());
        put(m, "auth.scram-file", a.scramFile());
        JwtConfig j = a.jwt();
        if (j != null) {
            put(m, "auth.jwt.secret", j.secret() == null ? null : "(secret " + j.secret().hashCode() + ")");
            put(m, "auth.jwt.public-key-file", j.publicKeyFile());
            put(m, "auth.jwt.jwks-file", j.jwksFile());
            put(m, "auth.jwt.username-claim", j.usernameClaim());
            put(m, "auth.jwt.issuer", j.issuer());
            put(m, "auth.jwt.audience", j.audiences().isEmpty() ? null : j.audiences());
            put(m, "auth.jwt.clock-skew", j.clockSkew());
            put(m, "auth.jwt.require-exp", j.requireExp());
        }
    }

    private static void limits(Map<String, String> m, LimitsConfig l) {
        put(m, "limits.max-connections", l.maxConnections());
        put(m, "limits.connect-timeout", l.connectTimeout());
        ClientLimits c = l.client();
        put(m, "limits.max-topic-length", c.maxTopicLength());
        put(m, "limits.max-topic-levels", c.maxTopicLevels());
        put(m, "limits.max-subscriptions-per-client", c.maxSubscriptionsPerClient());
        put(m, "limits.publish-rate", c.publishRate());
        put(m, "limits.publish-bytes-rate", c.publishBytesRate());
        put(m, "limits.failed-auth-delay", c.failedAuthDelay());
        put(m, "limits.failed-auth-max-delay", c.failedAuthMaxDelay());
    }

    private static void http(Map<String, String> m, HttpConfig h) {
        put(m, "http.enabled", h.enabled());
        put(m, "http.bind", (h.host().contains(":") ? "[" + h.host() + "]" : h.host()) + ":" + h.port());
        put(m, "http.token", h.token() == null ? null : "(secret " + h.token().hashCode() + ")");
        put(m, "http.admins", h.admins());
        put(m, "http.allow-anonymous", h.allowAnonymous());
        tls(m, "http.tls.", h.tls());
    }

    /** Every key of a section is there, unset ones as "(not set)", so that the lines keep the file's order. */
    private static void put(Map<String, String> m, String key, Object value) {
        String text;
        if (value == null) {
            text = NOT_SET;
        } else if (value instanceof Duration d) {
            text = ConfigValues.formatDuration(d);
        } else if (value instanceof Enum<?> e) {
            text = e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        } else {
            text = value.toString();
        }
        m.put(key, text);
    }
}
