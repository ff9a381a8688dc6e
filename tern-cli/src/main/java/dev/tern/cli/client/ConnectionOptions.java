package dev.tern.cli.client;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.Will;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options {@code tern pub} and {@code tern sub} share, with mosquitto_pub/mosquitto_sub's names and meanings:
 * broker address, identity, session, will, MQTT 5 properties and TLS. {@link #resolve} checks them and builds the
 * packets to connect with.
 */
public final class ConnectionOptions {
    private static final long NEVER_EXPIRES = 0xFFFF_FFFFL;
    private static final SecureRandom RANDOM = new SecureRandom();

    @Option(names = {"-h", "--host"}, paramLabel = "HOST", description = "Broker host (default localhost).")
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT",
            description = "Broker port (default 1883, or 8883 with TLS).")
    Integer port;

    @Option(names = {"-L", "--url"}, paramLabel = "URL",
            description = "mqtt(s)://[username[:password]@]host[:port]/topic instead of -h -p -u -P -t; "
                    + "ws:// and wss:// for MQTT over WebSocket (the URL's path is the topic; the WebSocket path "
                    + "is --ws-path).")
    String url;

    @Option(names = "--ws", description = "MQTT over WebSocket (default port 80, or 443 with TLS: wss).")
    boolean webSocket;

    @Option(names = "--ws-path", paramLabel = "PATH",
            description = "The HTTP path of the WebSocket upgrade, with --ws or a ws(s):// URL (default /mqtt; "
                    + "a query may follow: /mqtt?token=...).")
    String webSocketPath;

    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "User name.")
    String username;

    @Option(names = {"-P", "--pw"}, paramLabel = "PASSWORD", description = "Password.")
    String password;

    @Option(names = {"-i", "--id"}, paramLabel = "ID",
            description = "Client id (default: tern- and 18 random characters for 3.1/3.1.1; for MQTT 5 the "
                    + "broker assigns one).")
    String id;

    @Option(names = {"-I", "--id-prefix"}, paramLabel = "PREFIX",
            description = "Client id = PREFIX followed by the process id.")
    String idPrefix;

    @Option(names = {"-k", "--keepalive"}, paramLabel = "SECONDS", defaultValue = "60",
            description = "Keepalive in seconds: 5..65535, or 0 for none (default ${DEFAULT-VALUE}).")
    int keepAlive;

    @Option(names = {"-V", "--protocol-version"}, paramLabel = "VERSION", defaultValue = "311",
            description = "MQTT version: 5, 311 or 31 (also mqttv5, mqttv311, mqttv31; default 311).")
    String protocolVersion;

    @Option(names = {"-c", "--disable-clean-session"},
            description = "Keep the session on the broker after disconnecting (needs -i).")
    boolean disableCleanSession;

    @Option(names = {"-x", "--session-expiry-interval"}, paramLabel = "SECONDS",
            description = "MQTT 5 session expiry interval; -1 or 4294967295 for never (default: never with -c, "
                    + "else 0).")
    String sessionExpiry;

    @Option(names = {"-d", "--debug"}, description = "Print the packets sent and received on standard error.")
    boolean debug;

    @Option(names = "--quiet", description = "Do not print error messages.")
    boolean quiet;

    @Option(names = "--nodelay", description = "Accepted for mosquitto compatibility: Nagle is always off.")
    boolean nodelay;

    @Option(names = {"-D", "--property"}, paramLabel = "COMMAND PROPERTY VALUE",
            parameterConsumer = PropertyArgs.Consumer.class,
            description = "MQTT 5 property, e.g. -D publish content-type text/plain, "
                    + "-D publish user-property name value (commands: connect, publish, subscribe, disconnect, will).")
    List<String> properties = new ArrayList<>();

    @Option(names = "--will-topic", paramLabel = "TOPIC", description = "Topic of the will message.")
    String willTopic;

    @Option(names = "--will-payload", paramLabel = "PAYLOAD", description = "Payload of the will (default empty).")
    String willPayload;

    @Option(names = "--will-qos", paramLabel = "QOS", description = "QoS of the will (default 0).")
    Integer willQos;

    @Option(names = "--will-retain", description = "Retain the will.")
    boolean willRetain;

    @Option(names = "--cafile", paramLabel = "FILE",
            description = "PEM file of trusted CA certificates; enables TLS.")
    Path caFile;

    @Option(names = "--cert", paramLabel = "FILE", description = "Client certificate (PEM), with --key.")
    Path certFile;

    @Option(names = "--key", paramLabel = "FILE", description = "Client private key (PEM, PKCS#8, unencrypted).")
    Path keyFile;

    @Option(names = "--insecure", description = "Do not check the server certificate's host name.")
    boolean insecure;

    @Option(names = "--tls-use-os-certs", description = "Enable TLS trusting the JDK's CA certificates.")
    boolean tlsUseOsCerts;

    /** The checked options: what to connect to and with. */
    public record Resolved(ClientSettings settings, PropertyArgs properties, String urlTopic) {
    }

    public boolean debug() {
        return debug;
    }

    public boolean quiet() {
        return quiet;
    }

    /**
     * Checks the options and builds the CONNECT and DISCONNECT packets.
     */
    public Resolved resolve() throws ClientException {
        MqttVersion version = version(protocolVersion);
        PropertyArgs props = PropertyArgs.parse(properties);
        if (!props.isEmpty() && !version.isV5()) {
            throw ClientException.usage("Error: -D properties need MQTT 5: add -V 5.");
        }
        MqttUrl parsedUrl = url == null ? null : MqttUrl.parse(url);
        String user = username;
        String pass = password;
        String h = host;
        Integer p = port;
        boolean tls = caFile != null || certFile != null || keyFile != null || tlsUseOsCerts;
        boolean ws = webSocket;
        if (parsedUrl != null) {
            if (host != null || port != null) {
                throw ClientException.usage("Error: -L cannot be used with -h or -p.");
            }
            if (webSocket && !parsedUrl.webSocket()) {
                throw ClientException.usage("Error: --ws cannot be used with an " + (parsedUrl.tls() ? "mqtts" : "mqtt")
                        + ":// URL: write " + (parsedUrl.tls() ? "wss" : "ws") + ":// instead.");
            }
            h = parsedUrl.host();
            p = parsedUrl.port();
            tls |= parsedUrl.tls();
            ws = parsedUrl.webSocket();
            user = parsedUrl.username() != null ? parsedUrl.username() : user;
            pass = parsedUrl.password() != null ? parsedUrl.password() : pass;
        }
        if (h == null) {
            h = "localhost";
        }
        if (p == null) {
            p = ws ? (tls ? 443 : 80) : (tls ? 8883 : 1883);
        }
        String wsPath = null;
        if (ws) {
            wsPath = webSocketPath == null ? "/mqtt" : checkWebSocketPath(webSocketPath);
        } else if (webSocketPath != null) {
            throw ClientException.usage("Error: --ws-path needs --ws (or a ws:// or wss:// URL).");
        }
        if (p < 1 || p > 65535) {
            throw ClientException.usage("Error: Invalid port given: " + p);
        }
        if (keepAlive != 0 && (keepAlive < 5 || keepAlive > 65535)) {
            throw ClientException.usage("Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.");
        }
        if (pass != null && user == null && !version.isV5()) {
            throw ClientException.usage("Error: a password needs a user name (-u) with MQTT 3.1/3.1.1.");
        }
        if (id != null && idPrefix != null) {
            throw ClientException.usage("Error: -i and -I cannot be used together.");
        }
        String clientId = id != null ? id
                : idPrefix != null ? idPrefix + ProcessHandle.current().pid() : null;

        long sessionExpiryInterval = disableCleanSession ? NEVER_EXPIRES : 0;
        if (sessionExpiry != null) {
            if (!version.isV5()) {
                throw ClientException.usage("Error: -x needs MQTT 5: add -V 5.");
            }
            sessionExpiryInterval = parseExpiry(sessionExpiry);
        }
        if (props.sessionExpiryInterval != null) {
            sessionExpiryInterval = props.sessionExpiryInterval;
        }
        boolean persistent = disableCleanSession || (version.isV5() && sessionExpiryInterval > 0);
        if (clientId == null) {
            if (persistent) {
                throw ClientException.usage("Error: You must provide a client id if you are using the -c option"
                        + (version.isV5() ? " or a session expiry interval." : "."));
            }
            clientId = version.isV5() ? "" : generatedId();
        }
        if (version == MqttVersion.V3_1 && (clientId.isEmpty() || clientId.length() > 23)) {
            throw ClientException.usage("Error: MQTT 3.1 client ids must be 1 to 23 characters long.");
        }

        Will will = will(version, props);
        Connect connect = new Connect(version, clientId, !disableCleanSession, keepAlive, user,
                pass == null ? null : pass.getBytes(StandardCharsets.UTF_8), will,
                version.isV5() ? sessionExpiryInterval : 0,
                props.receiveMaximum != null ? props.receiveMaximum : 65535,
                props.maximumPacketSize != null ? props.maximumPacketSize : 0,
                props.topicAliasMaximum != null ? props.topicAliasMaximum : 0,
                props.requestResponseInformation != null && props.requestResponseInformation,
                props.requestProblemInformation == null || props.requestProblemInformation,
                null, null, props.connectUserProperties);
        Disconnect disconnect = new Disconnect(0, props.disconnectSessionExpiryInterval, null, null,
                props.disconnectUserProperties);
        TlsSettings tlsSettings = tls ? new TlsSettings(caFile, certFile, keyFile, insecure) : null;
        if (!tls && insecure) {
            throw ClientException.usage("Error: --insecure needs TLS: add --cafile (or use an mqtts:// or wss:// URL).");
        }
        ClientSettings settings = new ClientSettings(h, p, tlsSettings, wsPath, connect, disconnect);
        return new Resolved(settings, props, parsedUrl == null ? null : parsedUrl.topic());
    }

    /** A {@code --ws-path}: starts with '/', no fragment, no spaces or control characters. */
    private static String checkWebSocketPath(String path) throws ClientException {
        boolean ok = path.startsWith("/") && path.indexOf('#') < 0;
        for (int i = 0; i < path.length() && ok; i++) {
            char c = path.charAt(i);
            ok = c > ' ' && c != 0x7F;
        }
        if (!ok) {
            throw ClientException.usage("Error: Invalid --ws-path '" + path
                    + "': it must start with '/', without spaces or '#' (e.g. /mqtt, /mqtt?token=abc).");
        }
        WebSocketClientTransport.target(false, "localhost", 80, path); // throws for what a URI cannot hold
        return path;
    }

    private Will will(MqttVersion version, PropertyArgs props) throws ClientException {
        boolean willProps = !props.will.build().isEmpty() || props.willDelayInterval != null;
        if (willTopic == null) {
            if (willPayload != null || willQos != null || willRetain || willProps) {
                throw ClientException.usage("Error: Will payload, QoS, retain or properties given, "
                        + "but no will topic (--will-topic).");
            }
            return null;
        }
        int qos = willQos == null ? 0 : willQos;
        if (qos < 0 || qos > 2) {
            throw ClientException.usage("Error: Invalid will QoS " + qos + ": 0, 1 or 2.");
        }
        byte[] payload = willPayload == null ? new byte[0] : willPayload.getBytes(StandardCharsets.UTF_8);
        return new Will(willTopic, payload, qos, willRetain,
                props.willDelayInterval == null ? 0 : props.willDelayInterval, props.will.build());
    }

    private static long parseExpiry(String text) throws ClientException {
        String t = text.trim();
        if (t.equals("-1") || t.equals("∞")) {
            return NEVER_EXPIRES;
        }
        try {
            long v = Long.parseLong(t);
            if (v >= 0 && v <= NEVER_EXPIRES) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw ClientException.usage("Error: Invalid session-expiry-interval '" + text
                + "': 0..4294967295, or -1 for never.");
    }

    /** The version for {@code -V}: 5, 311, 31, mqttv5, mqttv311, mqttv31 (also 3.1.1, 3.1). */
    static MqttVersion version(String text) throws ClientException {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "5", "mqttv5", "5.0" -> MqttVersion.V5;
            case "311", "mqttv311", "3.1.1" -> MqttVersion.V3_1_1;
            case "31", "mqttv31", "3.1" -> MqttVersion.V3_1;
            default -> throw ClientException.usage("Error: Invalid protocol version '" + text
                    + "' given: use 5, 311 or 31 (or mqttv5, mqttv311, mqttv31).");
        };
    }

    private static String generatedId() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder("tern-");
        for (int i = 0; i < 18; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
