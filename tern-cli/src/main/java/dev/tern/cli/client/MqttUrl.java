package dev.tern.cli.client;

/**
 * A {@code -L} URL: {@code mqtt(s)://[username[:password]@]host[:port]/topic}, as mosquitto_pub/mosquitto_sub take
 * it. The port defaults to 1883 for {@code mqtt://} and 8883 for {@code mqtts://}. The topic is taken as written
 * (no percent-decoding), so it may hold {@code +} and {@code #}. WebSocket URLs are refused with a clear message.
 */
public record MqttUrl(boolean tls, String username, String password, String host, int port, String topic) {

    public static MqttUrl parse(String url) throws ClientException {
        int schemeEnd = url.indexOf("://");
        if (schemeEnd < 0) {
            throw ClientException.usage("Error: unsupported URL '" + url
                    + "': expected mqtt(s)://[username[:password]@]host[:port]/topic.");
        }
        String scheme = url.substring(0, schemeEnd).toLowerCase(java.util.Locale.ROOT);
        boolean tls;
        switch (scheme) {
            case "mqtt" -> tls = false;
            case "mqtts" -> tls = true;
            case "ws", "wss" -> throw ClientException.usage("Error: WebSocket URLs (" + scheme
                    + "://) are not supported yet by tern pub/sub; use mqtt:// or mqtts://.");
            default -> throw ClientException.usage("Error: unsupported URL scheme '" + scheme
                    + "://': use mqtt:// or mqtts://.");
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
        int port = tls ? 8883 : 1883;
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
        return new MqttUrl(tls, username, password, host, port, topic);
    }
}
