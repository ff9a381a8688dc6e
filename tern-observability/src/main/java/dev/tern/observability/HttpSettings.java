package dev.tern.observability;

import java.nio.file.Path;

/**
 * The HTTP listener of metrics and the admin API ({@code http:} in the configuration).
 *
 * @param host address to bind; the API is open without credentials only on a loopback address
 * @param port 0 picks a free port
 * @param token bearer token ({@code http.token}); null = none
 * @param admins Mosquitto password file of the users allowed in with HTTP Basic ({@code http.admins}); null = none
 * @param allowAnonymous no credentials needed ({@code http.allow-anonymous}), honoured only on loopback
 * @param tls HTTPS ({@code http.tls}); null = plain HTTP
 */
public record HttpSettings(String host, int port, String token, Path admins, boolean allowAnonymous, HttpTls tls) {

    /** Plain HTTP. */
    public HttpSettings(String host, int port, String token, Path admins, boolean allowAnonymous) {
        this(host, port, token, admins, allowAnonymous, null);
    }

    /** "http" or "https". */
    public String scheme() {
        return tls == null ? "http" : "https";
    }

    /** True for 127.0.0.0/8, ::1 and localhost. */
    public static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1")
                || host.equals("0:0:0:0:0:0:0:1");
    }

    /** Anonymous access is in force: asked for, and bound to loopback only. */
    public boolean anonymousAllowed() {
        return allowAnonymous && isLoopback(host);
    }
}
