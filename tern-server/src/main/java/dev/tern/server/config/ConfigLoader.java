package dev.tern.server.config;

import dev.tern.core.ClientLimits;
import dev.tern.core.MqttSettings;
import dev.tern.security.AclFile;
import dev.tern.security.JwtKeys;
import dev.tern.security.JwtSettings;
import dev.tern.security.PasswordFile;
import dev.tern.transport.tls.ServerTls;
import dev.tern.transport.tls.TlsDefaults;
import dev.tern.transport.tls.TlsFileException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads the YAML configuration file (docs/configuration.md) into an immutable {@link BrokerConfig}.
 *
 * <p>The file is read as a YAML node tree, not bound to objects, so that every error can name the file, the line
 * and the key path, and say what is allowed: {@code tern.yaml:7: unknown key 'mqtt.max-keepalve' (allowed:
 * max-keepalive, ...)}. An empty file means the defaults; a file without {@code listeners} gets the default
 * listener (tcp 127.0.0.1:1883). Keys of features that do not exist yet (RocksDB) are refused with a message
 * saying so, rather than silently ignored. The files of a TLS listener are
 * read and checked here (PEM, key matching the certificate, CRL signed by the CA), so that {@code --check-config}
 * catches a bad certificate before the broker starts.
 */
public final class ConfigLoader {
    static final List<String> TOP_KEYS = List.of("listeners", "mqtt", "auth", "limits", "storage", "http",
            "sys-interval", "log");
    static final List<String> LISTENER_KEYS = List.of("type", "bind", "allow-anonymous", "proxy-protocol", "tls",
            "path", "max-connections", "max-connection-rate", "max-connection-rate-per-address", "password-file",
            "acl-file");
    static final List<String> TLS_KEYS = List.of("cert", "key", "key-password", "ca", "crl", "client-auth",
            "use-identity-as-username", "protocols", "ciphers", "provider");
    static final List<String> MQTT_KEYS = List.of("max-keepalive", "receive-maximum", "max-packet-size",
            "topic-alias-maximum", "max-queued-messages", "max-queued-bytes", "queue-overflow", "queue-qos0",
            "persistent-client-expiration", "max-client-id-length", "allow-zero-length-client-id",
            "max-session-expiry-interval", "max-inflight");
    static final List<String> AUTH_KEYS = List.of("allow-anonymous", "password-file", "acl-file", "jwt",
            "scram-file");
    static final List<String> JWT_KEYS = List.of("secret", "public-key-file", "jwks-file", "username-claim", "issuer",
            "audience", "clock-skew", "require-exp");
    static final List<String> LIMITS_KEYS = List.of("max-connections", "connect-timeout", "max-topic-length",
            "max-topic-levels", "max-subscriptions-per-client", "publish-rate", "publish-bytes-rate",
            "failed-auth-delay", "failed-auth-max-delay");
    static final List<String> STORAGE_KEYS = List.of("engine", "dir", "sync");
    static final List<String> HTTP_KEYS = List.of("enabled", "bind", "token", "admins", "allow-anonymous", "tls");
    /** http.tls: a server certificate; client certificates are not asked for on the HTTP listener. */
    static final List<String> HTTP_TLS_KEYS = List.of("cert", "key", "key-password", "protocols", "ciphers",
            "provider");
    static final List<String> LOG_KEYS = List.of("level", "levels", "format");

    /** Connections a second; more than this is no limit in practice. */
    private static final int MAX_CONNECTION_RATE = 1_000_000;
    private static final List<String> LISTENER_TYPES = List.of("tcp", "tls", "ws", "wss");
    private static final List<String> CLIENT_AUTH = List.of("none", "optional", "require");
    private static final List<String> TLS_PROVIDERS = List.of("auto", "openssl", "jdk");
    private static final List<String> INSECURE_PROTOCOLS = List.of("SSLv2", "SSLv3", "TLSv1", "TLSv1.0", "TLSv1.1");
    private static final List<String> ENGINES = List.of("memory", "rocksdb");
    private static final List<String> SYNC_MODES = List.of("always", "batch", "none");
    private static final List<String> OVERFLOW = List.of("drop-new", "drop-oldest");
    private static final List<String> LOG_FORMATS = List.of("text", "json");
    /** A logger or package name: Java identifiers separated by dots. */
    private static final java.util.regex.Pattern LOGGER_NAME =
            java.util.regex.Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");

    private final String source;
    private final List<String> notes = new ArrayList<>();

    private final Map<String, String> env;

    private ConfigLoader(String source, Map<String, String> env) {
        this.source = source;
        this.env = EnvOverrides.settings(env);
    }

    /** Reads a configuration file. Errors name {@code file} as given, e.g. {@code tern.yaml:7: ...}. */
    public static BrokerConfig load(Path file) {
        return loadDocument(file).broker();
    }

    /** Reads a configuration file, with the keys that are accepted but not active yet. */
    public static ConfigDocument loadDocument(Path file) {
        return loadDocument(file, Map.of());
    }

    /**
     * Reads a configuration file with {@code TERN_...} environment overrides applied (see {@link EnvOverrides});
     * {@code file} may be null for the defaults plus the overrides.
     */
    public static ConfigDocument loadDocument(Path file, Map<String, String> environment) {
        if (file == null) {
            return parseDocument("", "(no configuration file)", environment);
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": not a UTF-8 text file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parseDocument(text, file.toString(), environment);
    }

    /** Reads configuration text; {@code source} names it in error messages. */
    public static BrokerConfig parse(String yaml, String source) {
        return parseDocument(yaml, source).broker();
    }

    /** Reads configuration text, with the keys that are accepted but not active yet. */
    public static ConfigDocument parseDocument(String yaml, String source) {
        return parseDocument(yaml, source, Map.of());
    }

    /** Reads configuration text with {@code TERN_...} environment overrides applied. */
    public static ConfigDocument parseDocument(String yaml, String source, Map<String, String> environment) {
        return new ConfigLoader(source, environment).read(yaml);
    }

    private ConfigDocument read(String yaml) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            throw new ConfigException(source + (mark != null ? ":" + (mark.getLine() + 1) : "")
                    + ": not valid YAML: " + problem);
        } catch (YAMLException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getMessage());
        }
        if (!env.isEmpty()) {
            if (root != null && !isNull(root) && !(root instanceof MappingNode)) {
                throw error(root, "expected sections like 'listeners:' and 'mqtt:' at the top level, got "
                        + describe(root));
            }
            root = EnvOverrides.apply(root instanceof MappingNode m ? m : null, env);
        }
        if (root == null || isNull(root)) {
            return ConfigDocument.defaults();
        }
        if (!(root instanceof MappingNode)) {
            throw error(root, "expected sections like 'listeners:' and 'mqtt:' at the top level, got "
                    + describe(root));
        }
        Section top = new Section("", (MappingNode) root, TOP_KEYS);
        BrokerConfig defaults = BrokerConfig.defaults();
        List<ListenerConfig> listeners = top.has("listeners") ? listeners(top) : defaults.listeners();
        MqttSettings mqtt = mqtt(top.section("mqtt", MQTT_KEYS));
        AuthConfig auth = auth(top.section("auth", AUTH_KEYS));
        LimitsConfig limits = limits(top.section("limits", LIMITS_KEYS));
        StorageConfig storage = storage(top.section("storage", STORAGE_KEYS));
        HttpConfig http = http(top);
        Optional<HostPort> httpBind = top.has("http") && top.section("http", HTTP_KEYS).has("bind")
                ? Optional.of(new HostPort(http.host(), http.port())) : Optional.empty();
        Duration sysInterval = ConfigDocument.DEFAULT_SYS_INTERVAL;
        if (top.has("sys-interval")) {
            sysInterval = duration(top, "sys-interval", Duration.ZERO, "0 = off");
        }
        LogConfig log = log(top.section("log", LOG_KEYS));
        return new ConfigDocument(new BrokerConfig(listeners, mqtt, auth, limits, storage, http, sysInterval, log),
                httpBind, sysInterval, notes);
    }

    // ---- sections ----

    private List<ListenerConfig> listeners(Section top) {
        Node node = top.value("listeners");
        if (!(node instanceof SequenceNode)) {
            throw error(node, "listeners: expected a list of listeners (each '- type: tcp' with 'bind: host:port'), "
                    + "got " + describe(node));
        }
        List<Node> items = ((SequenceNode) node).getValue();
        if (items.isEmpty()) {
            throw error(node, "listeners: the list is empty; list at least one listener, or remove the key to get "
                    + "the default (tcp 127.0.0.1:1883)");
        }
        List<ListenerConfig> result = new ArrayList<>();
        List<Node> bindNodes = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String path = "listeners[" + i + "]";
            Node item = items.get(i);
            if (!(item instanceof MappingNode)) {
                throw error(item, path + ": expected a listener with keys " + String.join(", ", LISTENER_KEYS)
                        + ", got " + describe(item));
            }
            Section l = new Section(path, (MappingNode) item, LISTENER_KEYS);
            String type = l.has("type") ? choice(l, "type", LISTENER_TYPES) : l.has("tls") ? "tls" : "tcp";
            String wsPath = null;
            if (l.has("path")) {
                if (!ListenerConfig.isWebSocket(type)) {
                    throw error(l.keyNode("path"), l.path("path") + ": only ws and wss listeners have a path (this "
                            + "one is " + type + "; add 'type: ws')");
                }
                wsPath = webSocketPath(l);
            }
            boolean proxyProtocol = l.has("proxy-protocol") && bool(l, "proxy-protocol");
            if (!l.has("bind")) {
                throw error(item, path + ": missing key 'bind' (host:port, e.g. 0.0.0.0:1883)");
            }
            HostPort bind = hostPort(l, "bind");
            for (int j = 0; j < result.size(); j++) {
                ListenerConfig other = result.get(j);
                if (bind.port() != 0 && other.port() == bind.port() && other.host().equalsIgnoreCase(bind.host())) {
                    throw error(l.value("bind"), l.path("bind") + ": " + bind + " is already used by listeners["
                            + j + "] (line " + line(bindNodes.get(j)) + ")");
                }
            }
            TlsConfig tls = null;
            if (type.equals("tls") || type.equals("wss")) {
                if (!l.has("tls") || isNull(l.value("tls"))) {
                    throw error(l.has("tls") ? l.keyNode("tls") : l.value("type"), path + ": a " + type + " listener "
                            + "needs a 'tls' section with at least 'cert' and 'key' (PEM files)");
                }
                tls = tls(l);
            } else if (l.has("tls")) {
                throw error(l.keyNode("tls"), l.path("tls") + ": only a listener of type tls or wss has a tls "
                        + "section (this one is " + type + "; add 'type: " + (type.equals("ws") ? "wss" : "tls")
                        + "')");
            }
            Boolean allowAnonymous = l.has("allow-anonymous") ? bool(l, "allow-anonymous") : null;
            int maxConnections = (int) number(l, "max-connections", 0, 0, Integer.MAX_VALUE);
            int connectionRate = (int) number(l, "max-connection-rate", 0, 0, MAX_CONNECTION_RATE);
            int connectionRatePerAddress = (int) number(l, "max-connection-rate-per-address", 0, 0,
                    MAX_CONNECTION_RATE);
            Path passwordFile = l.has("password-file")
                    ? securityFile(l, "password-file", PasswordFile::load) : null;
            Path aclFile = l.has("acl-file") ? securityFile(l, "acl-file", AclFile::load) : null;
            result.add(new ListenerConfig(type, bind.host(), bind.port(), allowAnonymous, tls, maxConnections,
                    wsPath, proxyProtocol, connectionRate, connectionRatePerAddress, passwordFile, aclFile));
            bindNodes.add(l.value("bind"));
        }
        return result;
    }

    private interface FileCheck {
        void load(Path file) throws IOException;
    }

    /**
     * A listener's own password or ACL file: it must exist and parse now, so that {@code --check-config} names a
     * bad line ({@code tern.yaml:9: listeners[1].password-file: passwd:3: ...}).
     */
    private Path securityFile(Section l, String key, FileCheck check) {
        Path file = readableFile(l, key);
        try {
            check.load(file);
        } catch (IOException | RuntimeException e) {
            throw error(l.value(key), l.path(key) + ": " + e.getMessage());
        }
        return file;
    }

    /** The HTTP path of a WebSocket listener: an absolute path, without a query or fragment. */
    private String webSocketPath(Section l) {
        String expected = "an HTTP path starting with '/', e.g. /mqtt";
        String text = scalar(l, "path", expected);
        if (!text.startsWith("/")) {
            throw error(l.value("path"), l.path("path") + ": expected " + expected + ", got '" + text + "'");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '?' || c == '#' || c <= ' ' || c >= 0x7f) {
                throw error(l.value("path"), l.path("path") + ": expected " + expected + " (no query, fragment, "
                        + "spaces or non-ASCII characters), got '" + text + "'");
            }
        }
        return text;
    }

    /** The tls section of a listener; its files are loaded and checked (and a TLS context built) here. */
    private TlsConfig tls(Section listener) {
        return tls(listener, TLS_KEYS);
    }

    /** A tls section with the keys {@code allowed} ({@code listeners[i].tls} or {@code http.tls}). */
    private TlsConfig tls(Section listener, List<String> allowed) {
        Section t = listener.section("tls", allowed);
        Node at = listener.keyNode("tls");
        for (String required : List.of("cert", "key")) {
            if (!t.has(required)) {
                throw error(at, listener.path("tls") + ": missing key '" + required + "' ("
                        + (required.equals("cert") ? "the server's certificate chain" : "the server's private key")
                        + ", a PEM file)");
            }
        }
        Path cert = readableFile(t, "cert");
        Path key = readableFile(t, "key");
        String keyPassword = t.has("key-password") ? scalar(t, "key-password", "the password of the key") : null;
        Path ca = t.has("ca") ? readableFile(t, "ca") : null;
        Path crl = t.has("crl") ? readableFile(t, "crl") : null;
        TlsConfig.ClientAuth clientAuth = t.has("client-auth")
                ? TlsConfig.ClientAuth.valueOf(choice(t, "client-auth", CLIENT_AUTH).toUpperCase(Locale.ROOT))
                : TlsConfig.ClientAuth.NONE;
        boolean identity = t.has("use-identity-as-username") && bool(t, "use-identity-as-username");
        List<String> protocols = t.has("protocols") ? protocols(t) : TlsConfig.DEFAULT_PROTOCOLS;
        List<String> ciphers = t.has("ciphers")
                ? stringList(t, "ciphers", "cipher suite names like TLS_AES_128_GCM_SHA256") : List.of();
        TlsConfig.Provider provider = t.has("provider")
                ? TlsConfig.Provider.valueOf(choice(t, "provider", TLS_PROVIDERS).toUpperCase(Locale.ROOT))
                : TlsConfig.Provider.AUTO;
        if (clientAuth != TlsConfig.ClientAuth.NONE && ca == null) {
            throw error(t.value("client-auth"), t.path("client-auth") + ": '" + clientAuth.name().toLowerCase(
                    Locale.ROOT) + "' needs " + t.path("ca") + " (the CA certificate(s) that sign client "
                    + "certificates)");
        }
        if (crl != null && ca == null) {
            throw error(t.keyNode("crl"), t.path("crl") + ": needs " + t.path("ca")
                    + " (the CA whose revoked certificates it lists) and client-auth optional or require");
        }
        if (identity && clientAuth == TlsConfig.ClientAuth.NONE) {
            throw error(t.value("use-identity-as-username"), t.path("use-identity-as-username")
                    + ": needs client-auth optional or require (with none, clients send no certificate)");
        }
        if (ca != null && clientAuth == TlsConfig.ClientAuth.NONE) {
            note(t.value("ca"), t.path("ca") + " is set but client-auth is none: client certificates are not "
                    + "asked for (set client-auth: optional or require)");
        }
        TlsConfig config = new TlsConfig(cert, key, keyPassword, ca, crl, clientAuth, identity, protocols, ciphers,
                provider);
        try {
            ServerTls.create(config.settings());
        } catch (TlsFileException e) {
            String k = e.key();
            Node where = k != null && t.has(k) ? t.value(k) : at;
            throw error(where, (k != null ? t.path(k) : listener.path("tls")) + ": " + e.getMessage());
        }
        return config;
    }

    private List<String> protocols(Section t) {
        List<String> protocols = stringList(t, "protocols", "protocol names: "
                + String.join(", ", TlsDefaults.ALLOWED_PROTOCOLS));
        Node list = t.value("protocols");
        for (int i = 0; i < protocols.size(); i++) {
            String p = protocols.get(i);
            Node at = list instanceof SequenceNode seq ? seq.getValue().get(i) : list;
            if (INSECURE_PROTOCOLS.contains(p)) {
                throw error(at, t.path("protocols") + ": '" + p + "' is not allowed: TLS 1.1 and older are "
                        + "insecure (RFC 8996); allowed: " + String.join(", ", TlsDefaults.ALLOWED_PROTOCOLS));
            }
            if (!TlsDefaults.ALLOWED_PROTOCOLS.contains(p)) {
                throw error(at, t.path("protocols") + ": expected " + String.join(" or ",
                        TlsDefaults.ALLOWED_PROTOCOLS) + ", got '" + p + "'");
            }
        }
        return protocols;
    }

    /** A list of strings, or one string for a list of one. Never empty. */
    private List<String> stringList(Section s, String key, String expected) {
        Node n = s.value(key);
        List<String> out = new ArrayList<>();
        if (n instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                if (!(item instanceof ScalarNode) || isNull(item) || ((ScalarNode) item).getValue().isBlank()) {
                    throw error(item, s.path(key) + ": expected " + expected + ", got " + describe(item));
                }
                out.add(((ScalarNode) item).getValue().trim());
            }
        } else if (n instanceof ScalarNode && !isNull(n) && !((ScalarNode) n).getValue().isBlank()) {
            out.add(((ScalarNode) n).getValue().trim());
        } else {
            throw error(n, s.path(key) + ": expected a list of " + expected + ", got " + describe(n));
        }
        if (out.isEmpty()) {
            throw error(n, s.path(key) + ": the list is empty; remove the key for the defaults");
        }
        return out;
    }

    private MqttSettings mqtt(Section s) {
        MqttSettings d = MqttSettings.defaults();
        int maxKeepAlive = s.has("max-keepalive")
                ? (int) seconds(s, "max-keepalive", 0, 65535) : d.maxKeepAlive();
        int receiveMaximum = (int) number(s, "receive-maximum", d.receiveMaximum(), 1, 65535);
        int maxPacketSize = (int) size(s, "max-packet-size", d.maxPacketSize(), 16, 268_435_460);
        int topicAliasMaximum = (int) number(s, "topic-alias-maximum", d.topicAliasMaximum(), 0, 65535);
        int maxQueuedMessages = (int) number(s, "max-queued-messages", d.maxQueuedMessages(), 0, Integer.MAX_VALUE);
        long maxQueuedBytes = size(s, "max-queued-bytes", d.maxQueuedBytes(), 0, Long.MAX_VALUE);
        MqttSettings.QueueOverflow overflow = s.has("queue-overflow")
                ? MqttSettings.QueueOverflow.valueOf(choice(s, "queue-overflow", OVERFLOW)
                        .toUpperCase(Locale.ROOT).replace('-', '_'))
                : d.queueOverflow();
        boolean queueQos0 = s.has("queue-qos0") ? bool(s, "queue-qos0") : d.queueQos0();
        Duration persistentClientExpiration = s.has("persistent-client-expiration")
                ? duration(s, "persistent-client-expiration", Duration.ZERO, "0 = never")
                : d.persistentClientExpiration();
        int maxClientIdLength = (int) number(s, "max-client-id-length", d.maxClientIdLength(), 1, 65535);
        boolean allowZeroLength = s.has("allow-zero-length-client-id")
                ? bool(s, "allow-zero-length-client-id") : d.allowZeroLengthClientId();
        long maxSessionExpiry = s.has("max-session-expiry-interval")
                ? seconds(s, "max-session-expiry-interval", 0, MqttSettings.SESSION_NEVER_EXPIRES)
                : d.maxSessionExpiryInterval();
        int maxInflight = (int) number(s, "max-inflight", d.maxInflight(), 0, 65535);
        return new MqttSettings(maxKeepAlive, receiveMaximum, maxPacketSize, topicAliasMaximum, maxQueuedMessages,
                maxQueuedBytes, overflow, queueQos0, persistentClientExpiration, maxClientIdLength, allowZeroLength,
                maxSessionExpiry, maxInflight);
    }

    private AuthConfig auth(Section s) {
        boolean anonymous = s.has("allow-anonymous") ? bool(s, "allow-anonymous")
                : AuthConfig.defaults().allowAnonymous();
        Path passwordFile = s.has("password-file") ? readableFile(s, "password-file") : null;
        Path aclFile = s.has("acl-file") ? readableFile(s, "acl-file") : null;
        JwtConfig jwt = s.has("jwt") ? jwt(s) : null;
        Path scramFile = null;
        if (s.has("scram-file")) {
            scramFile = readableFile(s, "scram-file");
            try {
                dev.tern.security.ScramCredentialFile.load(scramFile);
            } catch (IOException e) {
                throw error(s.value("scram-file"), s.path("scram-file") + ": " + e.getMessage());
            }
        }
        return new AuthConfig(anonymous, passwordFile, aclFile, jwt, scramFile);
    }

    /** {@code auth.jwt}: exactly one key source, read and checked now. */
    private JwtConfig jwt(Section auth) {
        Section j = auth.section("jwt", JWT_KEYS);
        List<String> sources = new ArrayList<>();
        for (String k : List.of("secret", "public-key-file", "jwks-file")) {
            if (j.has(k)) {
                sources.add(k);
            }
        }
        if (sources.size() != 1) {
            Node at = sources.size() > 1 ? j.keyNode(sources.get(1)) : auth.keyNode("jwt");
            throw error(at, auth.path("jwt") + ": " + (sources.isEmpty() ? "needs" : "takes only")
                    + " one of secret (HS256), public-key-file (RS256/ES256, PEM) or jwks-file (a JWKS)"
                    + (sources.size() > 1 ? ", not both " + sources.get(0) + " and " + sources.get(1) : ""));
        }
        String secret = null;
        Path publicKeyFile = null;
        Path jwksFile = null;
        if (j.has("secret")) {
            secret = scalar(j, "secret", "a secret of at least " + JwtKeys.MIN_SECRET_BYTES + " bytes");
            int length = secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (length < JwtKeys.MIN_SECRET_BYTES) {
                throw error(j.value("secret"), j.path("secret") + ": expected a secret of at least "
                        + JwtKeys.MIN_SECRET_BYTES + " bytes (256 bits, RFC 7518; e.g. the output of 'openssl rand "
                        + "-hex 32'), got " + length);
            }
        } else if (j.has("public-key-file")) {
            publicKeyFile = readableFile(j, "public-key-file");
            loadKeys(j, "public-key-file", publicKeyFile, JwtKeys::loadPem);
        } else {
            jwksFile = readableFile(j, "jwks-file");
            loadKeys(j, "jwks-file", jwksFile, JwtKeys::loadJwks);
        }
        String claim = JwtSettings.DEFAULT_USERNAME_CLAIM;
        if (j.has("username-claim")) {
            claim = scalar(j, "username-claim", "a claim name like sub or preferred_username").strip();
            if (claim.isEmpty()) {
                throw error(j.value("username-claim"), j.path("username-claim") + ": expected a claim name, got ''");
            }
        }
        String issuer = j.has("issuer") ? scalar(j, "issuer", "the token issuer (iss), e.g. https://id.example.com")
                : null;
        List<String> audiences = j.has("audience")
                ? stringList(j, "audience", "audience names (aud), e.g. mqtt") : List.of();
        Duration skew = j.has("clock-skew") ? duration(j, "clock-skew", Duration.ZERO, "0 or more")
                : JwtSettings.DEFAULT_CLOCK_SKEW;
        boolean requireExp = j.has("require-exp") && bool(j, "require-exp");
        return new JwtConfig(secret, publicKeyFile, jwksFile, claim, issuer, audiences, skew, requireExp);
    }

    private interface KeyLoader {
        JwtKeys load(Path file) throws IOException;
    }

    private void loadKeys(Section s, String key, Path file, KeyLoader loader) {
        try {
            loader.load(file);
        } catch (IOException | RuntimeException e) {
            throw error(s.value(key), s.path(key) + ": " + e.getMessage());
        }
    }

    /** A path to a file that must exist and be readable now (relative paths: to the working directory). */
    private Path readableFile(Section s, String key) {
        String text = scalar(s, key, "a file path");
        Path path;
        try {
            if (text.isBlank()) {
                throw new InvalidPathException(text, "empty");
            }
            path = Path.of(text);
        } catch (InvalidPathException e) {
            throw error(s.value(key), s.path(key) + ": expected a file path, got '" + text + "'");
        }
        if (!Files.isRegularFile(path)) {
            throw error(s.value(key), s.path(key) + ": no such file: " + path.toAbsolutePath());
        }
        if (!Files.isReadable(path)) {
            throw error(s.value(key), s.path(key) + ": cannot read " + path.toAbsolutePath()
                    + " (check its permissions)");
        }
        return path;
    }

    private LimitsConfig limits(Section s) {
        LimitsConfig d = LimitsConfig.defaults();
        int maxConnections = (int) number(s, "max-connections", d.maxConnections(), 0, Integer.MAX_VALUE);
        Duration connectTimeout = d.connectTimeout();
        if (s.has("connect-timeout")) {
            connectTimeout = duration(s, "connect-timeout", Duration.ofMillis(1), "more than 0");
        }
        ClientLimits c = d.client();
        int topicLength = (int) number(s, "max-topic-length", c.maxTopicLength(), 1, 65535);
        int topicLevels = (int) number(s, "max-topic-levels", c.maxTopicLevels(), 0, 65535);
        int subscriptions = (int) number(s, "max-subscriptions-per-client", c.maxSubscriptionsPerClient(), 0,
                Integer.MAX_VALUE);
        int publishRate = (int) number(s, "publish-rate", c.publishRate(), 0, Integer.MAX_VALUE);
        long publishBytesRate = size(s, "publish-bytes-rate", c.publishBytesRate(), 0, Long.MAX_VALUE);
        Duration authDelay = s.has("failed-auth-delay")
                ? duration(s, "failed-auth-delay", Duration.ZERO, "0 = answer at once") : c.failedAuthDelay();
        Duration authMaxDelay = s.has("failed-auth-max-delay")
                ? duration(s, "failed-auth-max-delay", Duration.ZERO, "0 or more") : c.failedAuthMaxDelay();
        if (authMaxDelay.compareTo(authDelay) < 0) {
            Node where = s.has("failed-auth-max-delay") ? s.value("failed-auth-max-delay") : s.value("failed-auth-delay");
            throw error(where, s.path("failed-auth-max-delay") + ": must be at least failed-auth-delay ("
                    + ConfigValues.formatDuration(authDelay) + ")");
        }
        return new LimitsConfig(maxConnections, connectTimeout, new ClientLimits(topicLength, topicLevels,
                subscriptions, publishRate, publishBytesRate, authDelay, authMaxDelay));
    }

    private StorageConfig storage(Section s) {
        StorageConfig d = StorageConfig.durable();
        String engine = d.engine();
        if (s.has("engine")) {
            engine = choice(s, "engine", ENGINES);
        }
        Path dir = d.dir();
        if (s.has("dir")) {
            String text = scalar(s, "dir", "a directory path");
            try {
                if (text.isBlank()) {
                    throw new InvalidPathException(text, "empty");
                }
                dir = Path.of(text);
            } catch (InvalidPathException e) {
                throw error(s.value("dir"), s.path("dir") + ": expected a directory path, got '" + text + "'");
            }
            if (engine.equals("memory")) {
                note(s.value("dir"), "storage.dir is not used by the memory engine");
            }
        }
        String sync = d.sync();
        if (s.has("sync")) {
            sync = choice(s, "sync", SYNC_MODES);
            if (engine.equals("memory")) {
                note(s.value("sync"), "storage.sync is not used by the memory engine");
            }
        }
        return new StorageConfig(engine, dir, sync);
    }

    /**
     * {@code http:}: metrics and the admin API. Without the section: on, 127.0.0.1:8080. Anonymous access only on a
     * loopback address.
     */
    private HttpConfig http(Section top) {
        if (!top.has("http") || isNull(top.value("http"))) {
            return HttpConfig.defaults();
        }
        Section s = top.section("http", HTTP_KEYS);
        boolean enabled = !s.has("enabled") || bool(s, "enabled");
        String host = HttpConfig.DEFAULT_HOST;
        int port = HttpConfig.DEFAULT_PORT;
        if (s.has("bind")) {
            HostPort bind = hostPort(s, "bind");
            host = bind.host();
            port = bind.port();
        }
        String token = null;
        if (s.has("token")) {
            token = scalar(s, "token", "a secret of at least 16 characters");
            if (token.length() < 16 || token.chars().anyMatch(Character::isWhitespace)) {
                throw error(s.value("token"), s.path("token") + ": expected a secret of at least 16 characters "
                        + "without spaces (e.g. the output of 'openssl rand -hex 32'), got " + token.length()
                        + " characters");
            }
        }
        Path admins = null;
        if (s.has("admins")) {
            admins = readableFile(s, "admins");
            try {
                dev.tern.security.PasswordFile.load(admins);
            } catch (IOException e) {
                throw error(s.value("admins"), s.path("admins") + ": not a Mosquitto password file: "
                        + e.getMessage());
            }
        }
        boolean anonymous = s.has("allow-anonymous") && bool(s, "allow-anonymous");
        if (anonymous && !isLoopbackHost(host)) {
            throw error(s.value("allow-anonymous"), s.path("allow-anonymous") + ": true is only allowed when "
                    + "http.bind is a loopback address (127.0.0.1, ::1, localhost), not " + host
                    + "; use http.token or http.admins");
        }
        TlsConfig tls = null;
        if (s.has("tls") && !isNull(s.value("tls"))) {
            tls = tls(s, HTTP_TLS_KEYS);
        }
        return new HttpConfig(enabled, host, port, token, admins, anonymous, true, tls);
    }

    /** {@code log:}: the root level, levels by logger name, the format. */
    private LogConfig log(Section s) {
        LogConfig d = LogConfig.defaults();
        String level = s.has("level") ? level(s.value("level"), s.path("level")) : d.level();
        Map<String, String> levels = new LinkedHashMap<>();
        if (s.has("levels") && !isNull(s.value("levels"))) {
            Node n = s.value("levels");
            if (!(n instanceof MappingNode m)) {
                throw error(n, s.path("levels") + ": expected logger or package names with a level each, e.g. "
                        + "{dev.tern.core: debug, io.netty: warn}, got " + describe(n));
            }
            Map<String, Node> seen = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                Node keyNode = t.getKeyNode();
                String name = keyNode instanceof ScalarNode k && !isNull(k) ? k.getValue().strip() : null;
                if (name == null || !LOGGER_NAME.matcher(name).matches() || name.equalsIgnoreCase("root")) {
                    throw error(keyNode, s.path("levels") + ": expected a logger or package name like dev.tern.core, "
                            + "got " + (name == null ? describe(keyNode) : "'" + name + "'")
                            + (name != null && name.equalsIgnoreCase("root") ? " (set the root level with log.level)"
                                    : ""));
                }
                Node first = seen.putIfAbsent(name, keyNode);
                if (first != null) {
                    throw error(keyNode, "duplicate key '" + s.path("levels") + "." + name + "' (first at line "
                            + line(first) + ")");
                }
                levels.put(name, level(t.getValueNode(), s.path("levels") + "." + name));
            }
        }
        LogConfig.Format format = s.has("format")
                ? LogConfig.Format.valueOf(choice(s, "format", LOG_FORMATS).toUpperCase(Locale.ROOT))
                : d.format();
        return new LogConfig(level, levels, format);
    }

    /** A level name, any case: trace, debug, info, warn, error or off. */
    private String level(Node n, String path) {
        String expected = "a level: " + String.join(", ", LogConfig.LEVELS);
        if (!(n instanceof ScalarNode sc) || isNull(n)) {
            throw error(n, path + ": expected " + expected + ", got " + describe(n));
        }
        String text = sc.getValue().strip().toLowerCase(Locale.ROOT);
        if (text.equals("warning")) {
            text = "warn";
        }
        if (!LogConfig.LEVELS.contains(text)) {
            throw error(n, path + ": expected " + expected + ", got '" + sc.getValue() + "'");
        }
        return text;
    }

    private static boolean isLoopbackHost(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    // ---- values ----

    private String scalar(Section s, String key, String expected) {
        Node n = s.value(key);
        if (n instanceof ScalarNode && !isNull(n)) {
            return ((ScalarNode) n).getValue();
        }
        throw error(n, s.path(key) + ": expected " + expected + ", got " + describe(n));
    }

    private long number(Section s, String key, long def, long min, long max) {
        if (!s.has(key)) {
            return def;
        }
        String expected = "a whole number " + range(min, max);
        String text = scalar(s, key, expected);
        long v;
        try {
            v = ConfigValues.parseLong(text);
        } catch (IllegalArgumentException e) {
            throw error(s.value(key), s.path(key) + ": expected " + expected + ", got '" + text + "'");
        }
        if (v < min || v > max) {
            throw error(s.value(key), s.path(key) + ": expected " + expected + ", got " + v);
        }
        return v;
    }

    /** Plain seconds, or a duration in whole seconds. */
    private long seconds(Section s, String key, long min, long max) {
        String expected = "seconds " + min + ".." + max + " (or a duration like 90s, 10m, 1h)";
        String text = scalar(s, key, expected);
        long v;
        try {
            Duration d = ConfigValues.parseDuration(text);
            if (d.toMillis() % 1000 != 0) {
                throw new IllegalArgumentException("not whole seconds");
            }
            v = d.getSeconds();
        } catch (IllegalArgumentException e) {
            throw error(s.value(key), s.path(key) + ": expected " + expected + ", got '" + text + "'");
        }
        if (v < min || v > max) {
            throw error(s.value(key), s.path(key) + ": expected " + expected + ", got '" + text + "'");
        }
        return v;
    }

    private Duration duration(Section s, String key, Duration min, String meaning) {
        String expected = ConfigValues.DURATION_FORMS + " (" + meaning + ")";
        String text = scalar(s, key, expected);
        Duration d;
        try {
            d = ConfigValues.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw error(s.value(key), s.path(key) + ": expected " + expected + ", got '" + text + "'");
        }
        if (d.compareTo(min) < 0) {
            throw error(s.value(key), s.path(key) + ": expected " + expected + ", got '" + text + "'");
        }
        return d;
    }

    private long size(Section s, String key, long def, long min, long max) {
        if (!s.has(key)) {
            return def;
        }
        String expected = ConfigValues.SIZE_FORMS + (max == Long.MAX_VALUE ? " (0 = no limit)"
                : ", " + range(min, max) + " bytes");
        String text = scalar(s, key, expected);
        long v;
        try {
            v = ConfigValues.parseSize(text);
        } catch (IllegalArgumentException e) {
            throw error(s.value(key), s.path(key) + ": expected " + expected + ", got '" + text + "'");
        }
        if (v < min || v > max) {
            throw error(s.value(key), s.path(key) + ": expected " + expected + ", got '" + text + "' (" + v
                    + " bytes)");
        }
        return v;
    }

    private boolean bool(Section s, String key) {
        String text = scalar(s, key, "true or false");
        switch (text.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw error(s.value(key), s.path(key) + ": expected true or false, got '" + text + "'");
        }
    }

    private String choice(Section s, String key, List<String> choices) {
        String expected = "one of " + String.join(", ", choices);
        String text = scalar(s, key, expected);
        if (!choices.contains(text)) {
            throw error(s.value(key), s.path(key) + ": expected " + expected + ", got '" + text + "'");
        }
        return text;
    }

    private HostPort hostPort(Section s, String key) {
        String expected = "host:port (e.g. 0.0.0.0:1883 or [::1]:1883)";
        String text = scalar(s, key, expected);
        try {
            return HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw error(s.value(key), s.path(key) + ": expected host:port, got '" + text + "' (" + e.getMessage()
                    + ")");
        }
    }

    private static String range(long min, long max) {
        return max == Integer.MAX_VALUE || max == Long.MAX_VALUE ? ">= " + min : min + ".." + max;
    }

    // ---- helpers ----

    private void note(Node at, String text) {
        notes.add(source + ":" + line(at) + ": " + text);
    }

    private ConfigException error(Node at, String message) {
        Mark mark = at.getStartMark();
        if (mark != null && mark.getName() != null && mark.getName().startsWith("environment ")) {
            return new ConfigException(mark.getName() + ": " + message); // set by EnvOverrides
        }
        return new ConfigException(source + ":" + line(at) + ": " + message);
    }

    private static int line(Node n) {
        return n.getStartMark() == null ? 1 : n.getStartMark().getLine() + 1;
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode && Tag.NULL.equals(n.getTag());
    }

    private static String describe(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping (key: value lines)";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        if (isNull(n)) {
            return "nothing";
        }
        return "'" + ((ScalarNode) n).getValue() + "'";
    }

    /** Closest allowed key within two edits, for "did you mean". */
    static String closest(String key, List<String> allowed) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : allowed) {
            int d = distance(key.toLowerCase(Locale.ROOT).replace('_', '-'), candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The keys of one mapping, checked against the allowed keys when read. */
    private final class Section {
        private final String path;
        private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

        Section(String path) {
            this.path = path;
        }

        Section(String path, MappingNode node, List<String> allowed) {
            this(path);
            for (NodeTuple t : node.getValue()) {
                Node keyNode = t.getKeyNode();
                if (!(keyNode instanceof ScalarNode) || isNull(keyNode)) {
                    throw error(keyNode, (path.isEmpty() ? "" : path + ": ") + "expected a key name, got "
                            + describe(keyNode));
                }
                String key = ((ScalarNode) keyNode).getValue();
                if (!allowed.contains(key)) {
                    String hint = closest(key, allowed);
                    throw error(keyNode, "unknown key '" + path(key) + "' (allowed: " + String.join(", ", allowed)
                            + ")" + (hint != null ? "; did you mean '" + hint + "'?" : ""));
                }
                NodeTuple first = entries.putIfAbsent(key, t);
                if (first != null) {
                    throw error(keyNode, "duplicate key '" + path(key) + "' (first at line "
                            + line(first.getKeyNode()) + ")");
                }
            }
        }

        String path(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        boolean has(String key) {
            return entries.containsKey(key);
        }

        Node value(String key) {
            return entries.get(key).getValueNode();
        }

        Node keyNode(String key) {
            return entries.get(key).getKeyNode();
        }

        /** A nested section; absent or empty ({@code mqtt:} with nothing under it) means all defaults. */
        Section section(String key, List<String> allowed) {
            if (!has(key) || isNull(value(key))) {
                return new Section(path(key));
            }
            Node n = value(key);
            if (!(n instanceof MappingNode)) {
                throw error(n, path(key) + ": expected a section with keys " + String.join(", ", allowed)
                        + ", got " + describe(n));
            }
            return new Section(path(key), (MappingNode) n, allowed);
        }
    }
}
