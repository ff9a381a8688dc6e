package dev.tern.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Real HTTP calls to a broker's HTTP listener, for the metrics and admin API tests. */
final class ObservabilityHttp {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String authorization;

    ObservabilityHttp(String base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    static ObservabilityHttp bearer(java.net.InetSocketAddress at, String token) {
        return new ObservabilityHttp(url(at), token == null ? null : "Bearer " + token);
    }

    static ObservabilityHttp basic(java.net.InetSocketAddress at, String user, String password) {
        return new ObservabilityHttp(url(at), "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private static String url(java.net.InetSocketAddress at) {
        return "http://127.0.0.1:" + at.getPort();
    }

    HttpResponse<String> get(String path) {
        return call("GET", path, null);
    }

    HttpResponse<String> delete(String path) {
        return call("DELETE", path, null);
    }

    HttpResponse<String> post(String path, String json) {
        return call("POST", path, json);
    }

    HttpResponse<String> call(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses Prometheus text: "name{labels} value" lines to a map of "name{labels}" (labels as written) to value.
     */
    static Map<String, Double> prometheus(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space).trim();
            String value = line.substring(space + 1).trim();
            out.put(series, value.equals("NaN") ? Double.NaN : Double.parseDouble(value));
        }
        return out;
    }

    /** The number of a top-level JSON field such as "total": 3 (the tests' bodies are small and flat enough). */
    static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\":(-?\\d+)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no number field '" + field + "' in " + json);
        }
        return Long.parseLong(m.group(1));
    }
}
