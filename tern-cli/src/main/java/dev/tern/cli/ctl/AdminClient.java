package dev.tern.cli.ctl;

import dev.tern.observability.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The admin API ({@code /api/v1}, docs/observability.md) over HTTP or HTTPS with the JDK's HTTP client. Every
 * failure becomes a {@link CtlException} whose message says what to do: the broker not reachable, the credentials
 * refused, TLS not set up, or the API's own error message.
 */
final class AdminClient {
    static final String PREFIX = "/api/v1";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private final URI base;
    private final String authorization;
    private final HttpClient http;

    /** What the broker answered: the status and the body, parsed. */
    record Answer(int status, String body, Object json) {
        /** The body as a JSON object. */
        @SuppressWarnings("unchecked")
        Map<String, Object> object() {
            return json instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        }
    }

    private AdminClient(URI base, String authorization, HttpClient http) {
        this.base = base;
        this.authorization = authorization;
        this.http = http;
    }

    /**
     * @param url http(s)://host:port, possibly with a path prefix (a proxy in front)
     * @param token bearer token, or null
     * @param userPassword {@code user:password} for HTTP Basic, or null
     * @param caFile CA certificates (PEM) the broker's certificate must chain to; null = the JDK's
     * @param insecure check nothing of the broker's certificate
     */
    static AdminClient connect(String url, String token, String userPassword, Path caFile, boolean insecure)
            throws CtlException {
        URI base = parseUrl(url);
        boolean https = base.getScheme().equals("https");
        if (!https && (caFile != null || insecure)) {
            throw CtlException.usage("--cafile and --insecure are for https: URLs (the URL is " + url + ")");
        }
        if (token != null && userPassword != null) {
            throw CtlException.usage("give either --token (or TERN_TOKEN) or -u, not both");
        }
        String authorization = null;
        if (token != null) {
            if (token.isBlank()) {
                throw CtlException.usage("--token: the token is empty");
            }
            authorization = "Bearer " + token.strip();
        } else if (userPassword != null) {
            int colon = userPassword.indexOf(':');
            if (colon <= 0) {
                throw CtlException.usage("-u: expected user:password, got '" + userPassword + "'");
            }
            authorization = "Basic " + Base64.getEncoder().encodeToString(
                    userPassword.getBytes(StandardCharsets.UTF_8));
        }
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
        if (https) {
            b.sslContext(sslContext(caFile, insecure));
        }
        return new AdminClient(base, authorization, b.build());
    }

    private static URI parseUrl(String url) throws CtlException {
        String expected = "--url: expected http://host:port or https://host:port (e.g. http://127.0.0.1:8080), got '"
                + url + "'";
        URI u;
        try {
            u = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (URISyntaxException e) {
            throw CtlException.usage(expected);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null || u.getRawQuery() != null
                || u.getRawFragment() != null || u.getRawUserInfo() != null) {
            throw CtlException.usage(expected);
        }
        try {
            return new URI(scheme, null, u.getHost(), u.getPort(), u.getPath(), null, null);
        } catch (URISyntaxException e) {
            throw CtlException.usage(expected);
        }
    }

    private static SSLContext sslContext(Path caFile, boolean insecure) throws CtlException {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            if (insecure) {
                ssl.init(null, new TrustManager[] {new TrustEverything()}, null);
            } else if (caFile != null) {
                ssl.init(null, trust(caFile).getTrustManagers(), null);
            } else {
                ssl.init(null, null, null);
            }
            return ssl;
        } catch (GeneralSecurityException e) {
            throw CtlException.failed("cannot set up TLS: " + e.getMessage());
        }
    }

    /** The certificates of a PEM file as the only trusted issuers. */
    private static TrustManagerFactory trust(Path caFile) throws CtlException, GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(caFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw CtlException.usage("--cafile: cannot read " + caFile + ": " + e.getMessage());
        } catch (java.security.cert.CertificateException e) {
            throw CtlException.usage("--cafile: " + caFile + " is not a PEM certificate file: " + e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw CtlException.usage("--cafile: no certificate in " + caFile + " (expected BEGIN CERTIFICATE blocks)");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        int i = 0;
        for (Certificate c : certificates) {
            store.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        return f;
    }

    /**
     * {@code --insecure}: accepts any server certificate, for any host name (being an extended trust manager, the
     * JDK does not add its own host name check).
     */
    private static final class TrustEverything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    Answer get(String path) throws CtlException {
        return call("GET", path, null, null);
    }

    /** {@code notFound}: the message for a 404 (null: the API's own). */
    Answer get(String path, String notFound) throws CtlException {
        return call("GET", path, null, notFound);
    }

    Answer delete(String path, String notFound) throws CtlException {
        return call("DELETE", path, null, notFound);
    }

    Answer post(String path, Object body) throws CtlException {
        return call("POST", path, Json.write(body), null);
    }

    private Answer call(String method, String path, String body, String notFound) throws CtlException {
        URI uri = URI.create(base.toASCIIString() + PREFIX + path);
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            r.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        HttpResponse<String> response;
        try {
            response = http.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw CtlException.failed(describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CtlException.failed("interrupted");
        }
        Object json;
        try {
            json = response.body().isBlank() ? null : Json.parse(response.body());
        } catch (Json.JsonException e) {
            json = null;
        }
        Answer answer = new Answer(response.statusCode(), response.body(), json);
        int status = answer.status();
        if (status >= 200 && status < 300) {
            if (json == null) {
                throw CtlException.failed(where() + " answered " + status + " without JSON: is it a Tern broker's "
                        + "HTTP listener?");
            }
            return answer;
        }
        if (status == 401) {
            throw CtlException.failed("the broker refused the credentials: pass --token (or set TERN_TOKEN) or -u "
                    + "user:password" + (authorization == null ? " (none were given)"
                            : " (check the " + (authorization.startsWith("Bearer") ? "token" : "user and password")
                                    + ")"));
        }
        String message = apiMessage(answer);
        if (status == 404 && notFound != null && message != null) {
            throw CtlException.failed(notFound);
        }
        if (message == null) {
            throw CtlException.failed(where() + " answered " + status + " to " + method + " " + PREFIX + path
                    + ": is it a Tern broker's HTTP listener?");
        }
        throw CtlException.failed("the broker answered " + status + ": " + message);
    }

    /** {@code error.message} of an API error body, or null when the body is not one. */
    private static String apiMessage(Answer a) {
        if (a.json() instanceof Map<?, ?> m && m.get("error") instanceof Map<?, ?> e
                && e.get("message") instanceof String s) {
            return s;
        }
        return null;
    }

    private String where() {
        return base.getHost() + ":" + port();
    }

    private int port() {
        return base.getPort() != -1 ? base.getPort() : base.getScheme().equals("https") ? 443 : 80;
    }

    /** What went wrong on the way to the broker, and what to do about it. */
    private String describe(IOException e) {
        String at = where();
        boolean https = base.getScheme().equals("https");
        if (e instanceof HttpConnectTimeoutException) {
            return "no connection to " + at + " within " + CONNECT_TIMEOUT.toSeconds() + " s: is the address right, "
                    + "and the port not filtered?";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer from " + at + " within " + REQUEST_TIMEOUT.toSeconds() + " s";
        }
        if (e instanceof ConnectException || rootCause(e) instanceof ConnectException) {
            return "connection refused at " + at + ": is the broker running with its HTTP listener?";
        }
        if (e instanceof SSLHandshakeException) {
            String why = rootCause(e).getMessage();
            return "TLS with " + at + " failed: " + why + "; pass --cafile with the CA certificate that signed the "
                    + "broker's certificate (or --insecure to skip the checks)";
        }
        if (https && e instanceof SSLException) {
            return "TLS with " + at + " failed (" + e.getMessage() + "): is it an https listener? If http.tls is not "
                    + "set, use --url http://" + at;
        }
        if (!https && e.getMessage() != null && e.getMessage().contains("header parser received no bytes")) {
            return at + " closed the connection without an HTTP answer: is it the broker's HTTP listener (http.bind, "
                    + "not an MQTT port)? If it has http.tls, use --url https://" + at;
        }
        return "request to " + at + " failed: " + (e.getMessage() != null ? e.getMessage() : e.toString());
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    /** A path segment or query value, percent-encoded as UTF-8 ({@code /} kept when {@code keepSlash}). */
    static String encode(String s, boolean keepSlash) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~' || keepSlash && c == '/') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return b.toString();
    }
}
