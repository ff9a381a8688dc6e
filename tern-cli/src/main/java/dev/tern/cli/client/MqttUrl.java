package dev.tern.cli.client;

/**
 * A {@code -L} URL: {@code scheme://[username[:password]@]host[:port]/topic}, as mosquitto_pub/mosquitto_sub take
 * it, with the schemes {@code mqtt}, {@code mqtts} (TLS), {@code ws} (WebSocket) and {@code wss} (WebSocket over
 * TLS). The URL's path is always the topic, whatever the scheme (as in Mosquitto 2.1's clients): the WebSocket
 * path is not part of the URL but comes from {@code --ws-path} (default {@code /mqtt}), so that one URL shape
 * serves every transport and a topic never has to be told apart from a path. The port defaults to 1883 for
 * {@code mqtt://}, 8883 for {@code mqtts://}, and to the web's 80 and 443 for {@code ws://} and {@code wss://}
 * (RFC 6455). The topic is taken as written (no percent-decoding), so it may hold {@code +} and {@code #}.
 */
public record MqttUrl(boolean tls, boolean webSocket, String username, String password, String host, int port,
                      String topic) {

    /** A TCP ({@code mqtt://} or {@code mqtts://}) URL. */
    public MqttUrl(boolean tls, String username, String password, String host, int port, String topic) {
        this(tls, false, username, password, host, port, topic);
    }

    public static MqttUrl parse(String url) throws ClientException {
        int schemeEnd = url.indexOf("://");
        if (schemeEnd < 0) {
            throw ClientException.usage("Error: unsupported URL '" + url
                    + "': expected mqtt(s)://[username[:password]@]host[:port]/topic (or ws://, wss://).");
        }
        String scheme = url.substring(0, schemeEnd).toLowerCase(java.util.Locale.ROOT);
        boolean tls;
        boolean webSocket;
        int defaultPort;
        switch (scheme) {
            case "mqtt" -> {
                tls = false;
                webSocket = false;
                defaultPort = 1883;
            }
            case "mqtts" -> {
                tls = true;
                webSocket = false;
                defaultPort = 8883;
            }
            case "ws" -> {
                tls = false;
                webSocket = true;
                defaultPort = 80;
            }
            case "wss" -> {
                tls = true;
                webSocket = true;
                defaultPort = 443;
            }
            default -> throw ClientException.usage("Error: unsupported URL scheme '" + scheme
                    + "://': use mqtt://, mqtts://, ws:// or wss://.");
        }
        String rest = url.substring(schemeEnd + 3);
        int slash = rest.indexOf('/');
        if (slash < 0 || slash == rest.length() - 1) {
            throw ClientException.usage("Error: the URL '" + url + "' has no topic: expected "
                    + scheme + "://host[:port]/topic.");
        }
        String authority = rest.substring(0, slash);
        String topic = rest.substring(slash + 1);
        String username = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                username = userInfo.substring(0, colon);
                password = userInfo.substring(colon + 1);
            } else {
                username = userInfo;
            }
        }
        String host = authority;
        int port = defaultPort;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && !authority.endsWith("]")) {
            host = authority.substring(0, colon);
            try {
                port = Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw ClientException.usage("Error: invalid port in URL '" + url + "'.");
            }
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw ClientException.usage("Error: the URL '" + url + "' has no host.");
        }
        if (webSocket && (topic.indexOf('?') >= 0)) {
            throw ClientException.usage("Error: the URL '" + url + "' has a query: the path of a " + scheme
                    + ":// URL is the topic; give the WebSocket path with --ws-path (e.g. --ws-path '/mqtt?token=...').");
        }
        return new MqttUrl(tls, webSocket, username, password, host, port, topic);
    }
}
