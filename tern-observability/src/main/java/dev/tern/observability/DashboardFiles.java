package dev.tern.observability;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The web dashboard's static files (HTML, CSS, JavaScript), served by the HTTP listener at {@code /dashboard/}
 * ({@code /} redirects there). They hold no data, so they are served without credentials; every figure on the
 * pages comes from the admin API, which needs them. The files are read from this module's resources once, when the
 * listener is built, so a jar without them fails at start, not at the first request, and nothing is read from
 * disk on the event loop. Every answer carries the security headers of {@link #SECURITY_HEADERS}.
 */
final class DashboardFiles {
    static final String PREFIX = "/dashboard/";

    /** Every file of the dashboard, relative to {@code dashboard/} in the resources. */
    static final List<String> FILES = List.of(
            "index.html", "dashboard.css", "favicon.svg",
            "js/main.js", "js/api.js", "js/dom.js", "js/chart.js", "js/mqtt-ws.js",
            "js/login.js", "js/page.js", "js/overview.js", "js/clients.js", "js/subscriptions.js", "js/retained.js",
            "js/explorer.js");

    /**
     * Scripts, styles and fetches only from this origin, WebSocket connections anywhere (the topic explorer's MQTT
     * connection, whose address the user may change), no inline code, no framing.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    static final Map<String, String> SECURITY_HEADERS = securityHeaders();

    private record Asset(byte[] body, String contentType, String etag) {
    }

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    DashboardFiles() {
        for (String name : FILES) {
            byte[] body = read("dashboard/" + name);
            assets.put(name, new Asset(body, contentType(name), etag(body)));
        }
    }

    private static Map<String, String> securityHeaders() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        h.put("Referrer-Policy", "no-referrer");
        h.put("Cross-Origin-Opener-Policy", "same-origin");
        return Map.copyOf(h);
    }

    /** Whether {@code path} (without the query) belongs to the dashboard: {@code /}, {@code /dashboard...}. */
    static boolean handles(String path) {
        return path.equals("/") || path.equals("/dashboard") || path.startsWith(PREFIX);
    }

    /** The answer to a request for one of {@link #handles} paths. */
    FullHttpResponse respond(String method, String path, HttpHeaders request) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            FullHttpResponse r = answer(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                    (method + " is not allowed here (allowed: GET, HEAD)\n").getBytes(StandardCharsets.UTF_8),
                    false);
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            return r;
        }
        boolean head = method.equals("HEAD");
        if (path.equals("/") || path.equals("/dashboard")) {
            FullHttpResponse r = answer(HttpResponseStatus.FOUND, "text/plain; charset=utf-8",
                    ("see " + PREFIX + "\n").getBytes(StandardCharsets.UTF_8), head);
            r.headers().set(HttpHeaderNames.LOCATION, PREFIX);
            return r;
        }
        String name = path.substring(PREFIX.length());
        Asset a = assets.get(name.isEmpty() ? "index.html" : name);
        if (a == null) {
            return answer(HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
                    ("not found: " + path + "\n").getBytes(StandardCharsets.UTF_8), head);
        }
        if (a.etag().equals(request.get(HttpHeaderNames.IF_NONE_MATCH))) {
            FullHttpResponse r = answer(HttpResponseStatus.NOT_MODIFIED, null, new byte[0], true);
            r.headers().set(HttpHeaderNames.ETAG, a.etag());
            return r;
        }
        FullHttpResponse r = answer(HttpResponseStatus.OK, a.contentType(), a.body(), head);
        r.headers().set(HttpHeaderNames.ETAG, a.etag());
        return r;
    }

    private static FullHttpResponse answer(HttpResponseStatus status, String contentType, byte[] body,
                                           boolean withoutBody) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                withoutBody ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        if (contentType != null) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        // revalidated on every load (a 304 when unchanged), so a new broker version's files are never stale
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        SECURITY_HEADERS.forEach((k, v) -> r.headers().set(k, v));
        HttpUtil.setContentLength(r, body.length);
        return r;
    }

    private static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "svg" -> "image/svg+xml";
            default -> throw new IllegalArgumentException("no content type for dashboard file " + name);
        };
    }

    private static String etag(byte[] body) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(String resource) {
        try (InputStream in = DashboardFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource + " (dashboard)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
