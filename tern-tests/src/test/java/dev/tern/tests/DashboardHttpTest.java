package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.HttpConfig;
import dev.tern.server.config.ListenerConfig;
import dev.tern.testkit.TernExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web dashboard's files over real HTTP (no browser): where they are, that they need no credentials while the
 * API calls behind them do, their security headers, caching and refusals. {@link DashboardTest} runs them in
 * Chromium.
 */
class DashboardHttpTest {
    private static final String TOKEN = "dashboard-http-test-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static TernExtension broker = new TernExtension(b -> b.config(BrokerConfig.defaults()
            .withListeners(List.of(ListenerConfig.tcp("127.0.0.1", 0),
                    ListenerConfig.ws("0.0.0.0", 0).withPath("/ws/mqtt")))
            .withHttp(HttpConfig.on("127.0.0.1", 0, TOKEN, null, false))));

    private static HttpResponse<String> call(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + broker.tern().httpAddress().getPort() + path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return call("GET", path);
    }

    @Test
    @DisplayName("/ and /dashboard redirect to /dashboard/, the page, served without credentials")
    void page() throws Exception {
        for (String path : List.of("/", "/dashboard")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(302);
            assertThat(r.headers().firstValue("Location")).contains("/dashboard/");
        }
        HttpResponse<String> page = get("/dashboard/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(page.body()).contains("<title>Tern dashboard</title>",
                "<script type=\"module\" src=\"js/main.js\">");
        assertThat(get("/dashboard/index.html").body()).isEqualTo(page.body());
        // the data behind it needs the token
        assertThat(get("/api/v1/stats").statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/v1/stats", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("security headers: a Content-Security-Policy of self (and ws: wss:) without inline code, no framing, "
            + "nosniff")
    void securityHeaders() throws Exception {
        for (String path : List.of("/dashboard/", "/dashboard/js/main.js", "/dashboard/dashboard.css", "/",
                "/dashboard/nothing-here.js")) {
            HttpResponse<String> r = get(path);
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(csp).as(path).contains("default-src 'none'", "script-src 'self'", "style-src 'self'",
                    "connect-src 'self' ws: wss:", "frame-ancestors 'none'", "base-uri 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval", "*");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
            assertThat(r.headers().firstValue("X-Frame-Options")).as(path).contains("DENY");
            assertThat(r.headers().firstValue("Referrer-Policy")).as(path).contains("no-referrer");
        }
        assertThat(call("GET", "/api/v1/broker", "Authorization", "Bearer " + TOKEN).headers()
                .firstValue("X-Content-Type-Options")).contains("nosniff");
    }

    @Test
    @DisplayName("every file the page and its scripts refer to is served, with its content type")
    void everyFileIsServed() throws Exception {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of("index.html"));
        Pattern html = Pattern.compile("(?:src|href)=\"([^\"#:]+)\"");
        Pattern imports = Pattern.compile("(?m)^import .* from '\\./([^']+)';$");
        while (!todo.isEmpty()) {
            String file = todo.pop();
            if (!seen.add(file)) {
                continue;
            }
            HttpResponse<String> r = get("/dashboard/" + file);
            assertThat(r.statusCode()).as(file).isEqualTo(200);
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (file.endsWith(".js")) {
                assertThat(type).as(file).isEqualTo("text/javascript; charset=utf-8");
                Matcher m = imports.matcher(r.body());
                String folder = file.contains("/") ? file.substring(0, file.lastIndexOf('/') + 1) : "";
                while (m.find()) {
                    todo.add(folder + m.group(1));
                }
            } else if (file.endsWith(".css")) {
                assertThat(type).as(file).isEqualTo("text/css; charset=utf-8");
            } else if (file.endsWith(".svg")) {
                assertThat(type).as(file).isEqualTo("image/svg+xml");
            } else {
                Matcher m = html.matcher(r.body());
                while (m.find()) {
                    todo.add(m.group(1));
                }
            }
        }
        assertThat(seen).contains("index.html", "dashboard.css", "favicon.svg", "js/main.js", "js/api.js",
                "js/mqtt-ws.js", "js/chart.js", "js/login.js", "js/overview.js", "js/clients.js",
                "js/subscriptions.js", "js/retained.js", "js/explorer.js", "js/dom.js");
    }

    @Test
    @DisplayName("HEAD, If-None-Match (304), unknown files and paths that climb out are 404, other methods 405")
    void httpDetails() throws Exception {
        HttpResponse<String> full = get("/dashboard/js/mqtt-ws.js");
        String etag = full.headers().firstValue("ETag").orElseThrow();
        assertThat(full.headers().firstValue("Cache-Control")).contains("no-cache");
        HttpResponse<String> head = call("HEAD", "/dashboard/js/mqtt-ws.js");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Length")).contains(String.valueOf(full.body().getBytes(
                java.nio.charset.StandardCharsets.UTF_8).length));
        HttpResponse<String> cached = call("GET", "/dashboard/js/mqtt-ws.js", "If-None-Match", etag);
        assertThat(cached.statusCode()).isEqualTo(304);
        assertThat(cached.body()).isEmpty();
        assertThat(call("GET", "/dashboard/js/mqtt-ws.js", "If-None-Match", "\"other\"").statusCode())
                .isEqualTo(200);

        for (String path : List.of("/dashboard/nothing.js", "/dashboard/../api/v1/broker",
                "/dashboard/js/../index.html", "/dashboard/%2e%2e/api/v1/broker", "/dashboard//index.html",
                "/dashboard/JS/MAIN.JS")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).doesNotContain("\"version\"");
        }
        HttpResponse<String> post = call("POST", "/dashboard/");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
        assertThat(call("GET", "/nothing", "Authorization", "Bearer " + TOKEN).statusCode())
                .as("other paths are still 404").isEqualTo(404);
    }

    @Test
    @DisplayName("GET /api/v1/broker names the ws listener (bound port, path) the topic explorer connects to")
    void webSocketListener() throws Exception {
        HttpResponse<String> r = call("GET", "/api/v1/broker", "Authorization", "Bearer " + TOKEN);
        assertThat(r.body()).contains("\"webSockets\":[{\"scheme\":\"ws\",\"host\":\"0.0.0.0\",\"port\":"
                + broker.tern().ports().get(1) + ",\"path\":\"/ws/mqtt\",\"proxyProtocol\":false}]");
    }
}
