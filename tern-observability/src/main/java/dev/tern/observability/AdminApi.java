package dev.tern.observability;

import dev.tern.core.BrokerInspector;
import dev.tern.core.BrokerInspector.ConnectionView;
import dev.tern.core.BrokerInspector.SessionInfo;
import dev.tern.core.BrokerInspector.SubscriptionInfo;
import dev.tern.core.BrokerStats;
import dev.tern.codec.packet.PublishProperties;
import dev.tern.codec.packet.UserProperty;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The REST admin API under {@code /api/v1} (docs/observability.md; OpenAPI at {@code /api/v1/openapi.json}).
 * Transport-free: the HTTP server hands in method, path, query and body, and gets a status and a JSON value
 * back, asynchronously (reads of sessions are commands to the shards).
 */
final class AdminApi {
    static final String PREFIX = "/api/v1";
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 10_000;

    /** Runs reloads (file reads) off the HTTP event loop; its one thread ends when idle. */
    private static final java.util.concurrent.Executor RELOADS = new java.util.concurrent.ThreadPoolExecutor(0, 1,
            10, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "tern-http-reload");
                t.setDaemon(true);
                return t;
            });

    private final BrokerInspector inspector;
    private final BrokerControl control;
    private final HttpAuth auth;
    private final long startedAtMillis = System.currentTimeMillis();
    /** The HTTP listener's bound address, host:port (known once it is bound). */
    private final java.util.function.Supplier<String> httpAddress;
    private final java.time.Duration sysInterval;

    /** A request as the API sees it; {@code path} is after {@code /api/v1}, still percent-encoded. */
    record Request(String method, String path, Map<String, String> query, String body) {
    }

    /** Status and JSON body. */
    record Response(int status, Object body) {
        static Response ok(Object body) {
            return new Response(200, body);
        }
    }

    /** A client error: 400 naming the field, 404, 405. */
    static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String field;

        ApiError(int status, String field, String message) {
            super(message, null, false, false);
            this.status = status;
            this.field = field;
        }

        static ApiError badRequest(String field, String message) {
            return new ApiError(400, field, message);
        }

        static ApiError notFound(String message) {
            return new ApiError(404, null, message);
        }

        Response response() {
            Map<String, Object> e = Json.object("status", status, "message", getMessage());
            if (field != null) {
                e.put("field", field);
            }
            return new Response(status, Json.object("error", e));
        }
    }

    AdminApi(BrokerInspector inspector, BrokerControl control, HttpAuth auth,
             java.util.function.Supplier<String> httpAddress, java.time.Duration sysInterval) {
        this.inspector = inspector;
        this.control = control;
        this.auth = auth;
        this.httpAddress = httpAddress;
        this.sysInterval = sysInterval;
    }

    CompletableFuture<Response> handle(Request r) {
        try {
            return route(r).exceptionally(AdminApi::failure);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failure(e));
        }
    }

    private static Response failure(Throwable t) {
        Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null
                ? t.getCause() : t;
        if (cause instanceof ApiError e) {
            return e.response();
        }
        return new ApiError(500, null, "internal error: " + cause).response();
    }

    private CompletableFuture<Response> route(Request r) {
        String[] parts = split(r.path());
        String resource = parts[0];
        String rest = parts[1];
        String m = r.method();
        switch (resource) {
            case "broker":
                requireNoRest(rest);
                allow(m, "GET");
                return broker();
            case "stats":
                requireNoRest(rest);
                allow(m, "GET");
                return done(stats());
            case "clients":
                if (rest == null) {
                    allow(m, "GET");
                    return clients(r.query());
                }
                allow(m, "GET", "DELETE");
                return m.equals("GET") ? client(rest) : kick(rest);
            case "sessions":
                if (rest == null) {
                    allow(m, "GET", "DELETE");
                    return m.equals("GET") ? sessions(r.query()) : deleteOfflineSessions();
                }
                allow(m, "GET", "DELETE");
                return m.equals("GET") ? session(rest) : deleteSession(rest);
            case "subscriptions":
                requireNoRest(rest);
                allow(m, "GET");
                return subscriptions(r.query());
            case "retained":
                if (rest == null) {
                    allow(m, "GET", "DELETE");
                    return done(m.equals("GET") ? retainedList(r.query()) : retainedDeleteMatching(r.query()));
                }
                allow(m, "GET", "DELETE");
                return done(m.equals("GET") ? retainedOne(rest) : retainedDelete(rest));
            case "publish":
                requireNoRest(rest);
                allow(m, "POST");
                return publish(r.body());
            case "reload":
                requireNoRest(rest);
                allow(m, "POST");
                // files are read and TLS contexts built: off the HTTP event loop
                return CompletableFuture.supplyAsync(this::reload, RELOADS);
            default:
                throw ApiError.notFound("no such resource: " + PREFIX + r.path());
        }
    }

    /** "/clients/a%2Fb" -> {"clients", "a/b"}; "/clients" -> {"clients", null}. */
    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        int slash = p.indexOf('/');
        if (slash < 0) {
            return new String[] {p, null};
        }
        String rest = p.substring(slash + 1);
        return new String[] {p.substring(0, slash), rest.isEmpty() ? null : percentDecode(rest)};
    }

    private static void requireNoRest(String rest) {
        if (rest != null) {
            throw ApiError.notFound("no such resource: '" + rest + "'");
        }
    }

    private static void allow(String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw new ApiError(405, null, method + " is not allowed here (allowed: " + String.join(", ", allowed) + ")");
    }

    private static CompletableFuture<Response> done(Response r) {
        return CompletableFuture.completedFuture(r);
    }

    // ================= broker =================

    private CompletableFuture<Response> broker() {
        BrokerStats s = inspector.stats();
        return inspector.sessionTotals().thenApply(t -> {
            Map<String, Object> b = Json.object(
                    "version", control.version(),
                    "startedAt", Instant.ofEpochMilli(startedAtMillis).toString(),
                    "uptimeSeconds", (System.currentTimeMillis() - startedAtMillis) / 1000,
                    "listeners", control.listeners(),
                    "http", httpAddress.get(),
                    "sysIntervalSeconds", sysInterval.toSeconds(),
                    "clientsConnected", inspector.connectedClients(),
                    "sessions", t.sessions(),
                    "subscriptions", inspector.subscriptionCount(),
                    "retainedMessages", inspector.retainedCount(),
                    "queuedMessages", t.queued(),
                    "inflightMessages", t.inflight(),
                    "messagesReceived", s.messagesReceived(),
                    "messagesSent", s.messagesSent(),
                    "bytesReceived", s.bytesReceived(),
                    "bytesSent", s.bytesSent());
            Map<String, Object> drops = new LinkedHashMap<>();
            s.drops().forEach((k, v) -> drops.put(k.name().toLowerCase(Locale.ROOT), v));
            b.put("dropped", drops);
            b.put("webSockets", control.webSocketEndpoints().stream().map(AdminApi::webSocketJson).toList());
            return Response.ok(b);
        });
    }

    private static Map<String, Object> webSocketJson(WebSocketEndpoint w) {
        return Json.object("scheme", w.scheme(), "host", w.host(), "port", w.port(), "path", w.path(),
                "proxyProtocol", w.proxyProtocol());
    }

    /**
     * GET /stats: the counters the dashboard's charts poll, read without asking the shards (cheap enough for
     * every second). Rates are for the caller to derive from two samples and their {@code time}.
     */
    private Response stats() {
        BrokerStats s = inspector.stats();
        long publishReceived = 0;
        long publishSent = 0;
        for (int qos = 0; qos <= 2; qos++) {
            publishReceived += s.publishReceived(qos);
            publishSent += s.publishSent(qos);
        }
        long dropped = 0;
        Map<String, Object> drops = new LinkedHashMap<>();
        for (Map.Entry<dev.tern.core.DropReason, Long> e : s.drops().entrySet()) {
            drops.put(e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
            dropped += e.getValue();
        }
        long now = System.currentTimeMillis();
        Map<String, Object> b = Json.object(
                "time", now,
                "uptimeSeconds", (now - startedAtMillis) / 1000,
                "connections", inspector.broker().connectionCount(),
                "clientsConnected", inspector.connectedClients(),
                "subscriptions", inspector.subscriptionCount(),
                "retainedMessages", inspector.retainedCount(),
                "publishReceived", publishReceived,
                "publishSent", publishSent,
                "messagesPublished", s.messagesReceived(),
                "bytesReceived", s.bytesReceived(),
                "bytesSent", s.bytesSent(),
                "dropped", dropped);
        b.put("droppedByReason", drops);
        return Response.ok(b);
    }

    // ================= clients and sessions =================

    private CompletableFuture<Response> clients(Map<String, String> q) {
        String id = q.get("id");
        String username = q.get("username");
        String address = q.get("address");
        int offset = intParam(q, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = intParam(q, "limit", DEFAULT_LIMIT, 0, MAX_LIMIT);
        Predicate<SessionInfo> match = s -> s.connected()
                && contains(s.clientId(), id)
                && contains(s.connection().username(), username)
                && contains(s.connection().remoteAddress(), address);
        return inspector.sessions().thenApply(all -> page(all, match, offset, limit, AdminApi::clientJson));
    }

    private CompletableFuture<Response> client(String clientId) {
        return inspector.session(clientId).thenApply(s -> {
            if (s.isEmpty() || !s.get().connected()) {
                throw ApiError.notFound("no connected client '" + clientId + "'");
            }
            return Response.ok(clientJson(s.get()));
        });
    }

    private CompletableFuture<Response> kick(String clientId) {
        return inspector.kick(clientId).thenApply(o -> {
            if (o == BrokerInspector.Outcome.NOT_FOUND) {
                throw ApiError.notFound("no connected client '" + clientId + "'");
            }
            return Response.ok(Json.object("clientId", clientId, "disconnected", true));
        });
    }

    private CompletableFuture<Response> sessions(Map<String, String> q) {
        String id = q.get("id");
        Boolean connected = boolParam(q, "connected");
        int offset = intParam(q, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = intParam(q, "limit", DEFAULT_LIMIT, 0, MAX_LIMIT);
        Predicate<SessionInfo> match = s -> contains(s.clientId(), id)
                && (connected == null || s.connected() == connected);
        return inspector.sessions().thenApply(all -> page(all, match, offset, limit, AdminApi::sessionJson));
    }

    private CompletableFuture<Response> session(String clientId) {
        return inspector.session(clientId).thenApply(s -> Response.ok(sessionJson(s.orElseThrow(
                () -> ApiError.notFound("no session for client id '" + clientId + "'")))));
    }

    private CompletableFuture<Response> deleteSession(String clientId) {
        return inspector.deleteSession(clientId).thenApply(o -> {
            if (o == BrokerInspector.Outcome.NOT_FOUND) {
                throw ApiError.notFound("no session for client id '" + clientId + "'");
            }
            return Response.ok(Json.object("clientId", clientId, "deleted", true));
        });
    }

    /** DELETE /sessions: ends every offline session (connected clients are left alone). */
    private CompletableFuture<Response> deleteOfflineSessions() {
        return inspector.sessions().thenCompose(all -> {
            List<CompletableFuture<BrokerInspector.Outcome>> deletions = new ArrayList<>();
            for (SessionInfo s : all) {
                if (!s.connected()) {
                    deletions.add(inspector.deleteSession(s.clientId()));
                }
            }
            return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new)).thenApply(v -> {
                long n = deletions.stream().filter(f -> f.join() == BrokerInspector.Outcome.DONE).count();
                return Response.ok(Json.object("deleted", n));
            });
        });
    }

    private CompletableFuture<Response> subscriptions(Map<String, String> q) {
        String clientId = q.get("clientId");
        String filter = q.get("filter");
        int offset = intParam(q, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = intParam(q, "limit", DEFAULT_LIMIT, 0, MAX_LIMIT);
        return inspector.sessions().thenApply(all -> {
            List<SubscriptionInfo> subs = new ArrayList<>();
            for (SessionInfo s : all) {
                for (SubscriptionInfo sub : s.subscriptions()) {
                    if (contains(sub.clientId(), clientId) && contains(sub.filter(), filter)) {
                        subs.add(sub);
                    }
                }
            }
            return page(subs, x -> true, offset, limit, AdminApi::subscriptionJson);
        });
    }

    private static <T> Response page(List<T> all, Predicate<T> match, int offset, int limit,
                                     java.util.function.Function<T, Object> json) {
        List<T> matched = all.stream().filter(match).toList();
        int from = Math.min(offset, matched.size());
        int to = (int) Math.min(matched.size(), (long) from + limit);
        List<Object> items = new ArrayList<>();
        for (T t : matched.subList(from, to)) {
            items.add(json.apply(t));
        }
        return Response.ok(Json.object("total", matched.size(), "offset", from, "items", items));
    }

    private static Map<String, Object> clientJson(SessionInfo s) {
        ConnectionView c = s.connection();
        Map<String, Object> m = Json.object(
                "clientId", s.clientId(),
                "username", c.username(),
                "address", c.remoteAddress(),
                "listener", c.listener(),
                "protocolVersion", c.protocolVersion(),
                "keepAlive", c.keepAlive(),
                "cleanStart", c.cleanStart(),
                "connectedAt", Instant.ofEpochMilli(c.connectedAtMillis()).toString(),
                "sessionExpiryInterval", s.expiryInterval(),
                "queued", s.queued(),
                "inflight", s.inflight());
        m.put("subscriptions", s.subscriptions().stream().map(AdminApi::subscriptionJson).toList());
        return m;
    }

    private static Map<String, Object> sessionJson(SessionInfo s) {
        Map<String, Object> m = Json.object(
                "clientId", s.clientId(),
                "connected", s.connected(),
                "sessionExpiryInterval", s.expiryInterval(),
                "expiresInSeconds", s.expiresInSeconds(),
                "queued", s.queued(),
                "queuedBytes", s.queuedBytes(),
                "inflight", s.inflight(),
                "inflightBytes", s.inflightBytes(),
                "willPending", s.willPending());
        m.put("subscriptions", s.subscriptions().stream().map(AdminApi::subscriptionJson).toList());
        if (s.connected()) {
            m.put("client", clientJson(s));
        }
        return m;
    }

    private static Map<String, Object> subscriptionJson(SubscriptionInfo s) {
        return Json.object("clientId", s.clientId(), "filter", s.filter(), "shareGroup", s.shareGroup(),
                "qos", s.qos(), "noLocal", s.noLocal(), "retainAsPublished", s.retainAsPublished(),
                "retainHandling", s.retainHandling(), "subscriptionId", s.subscriptionId());
    }

    // ================= retained =================

    private Response retainedList(Map<String, String> q) {
        String filter = q.getOrDefault("filter", "#");
        int offset = intParam(q, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = intParam(q, "limit", DEFAULT_LIMIT, 0, MAX_LIMIT);
        BrokerInspector.RetainedPage p;
        try {
            p = inspector.retained(filter, offset, limit);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("filter", e.getMessage());
        }
        return Response.ok(Json.object("total", p.total(), "offset", p.offset(), "items",
                p.items().stream().map(AdminApi::retainedJson).toList()));
    }

    private Response retainedOne(String topic) {
        BrokerInspector.RetainedPage p;
        try {
            if (topic.contains("+") || topic.contains("#")) {
                throw new IllegalArgumentException("a topic name has no wildcards; list with ?filter= instead");
            }
            p = inspector.retained(topic, 0, 1);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("topic", e.getMessage());
        }
        if (p.items().isEmpty()) {
            throw ApiError.notFound("no retained message on '" + topic + "'");
        }
        return Response.ok(retainedJson(p.items().get(0)));
    }

    private Response retainedDelete(String topic) {
        boolean found;
        try {
            found = inspector.deleteRetained(topic);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("topic", e.getMessage());
        }
        if (!found) {
            throw ApiError.notFound("no retained message on '" + topic + "'");
        }
        return Response.ok(Json.object("topic", topic, "deleted", 1));
    }

    private Response retainedDeleteMatching(Map<String, String> q) {
        String filter = q.get("filter");
        if (filter == null) {
            throw ApiError.badRequest("filter", "DELETE /retained needs ?filter= (e.g. filter=sensors/%23 for "
                    + "sensors/#); DELETE /retained/{topic} deletes one topic");
        }
        try {
            return Response.ok(Json.object("filter", filter, "deleted", inspector.deleteRetainedMatching(filter)));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("filter", e.getMessage());
        }
    }

    private static Map<String, Object> retainedJson(BrokerInspector.RetainedInfo r) {
        Map<String, Object> m = Json.object("topic", r.topic(), "qos", r.qos(), "payloadSize", r.payload().length);
        String text = utf8(r.payload());
        if (text != null) {
            m.put("payload", text);
            m.put("payloadEncoding", "utf8");
        } else {
            m.put("payload", Base64.getEncoder().encodeToString(r.payload()));
            m.put("payloadEncoding", "base64");
        }
        m.put("contentType", r.contentType());
        m.put("expiresInSeconds", r.expiresInSeconds());
        return m;
    }

    /** The payload as text when it is UTF-8 without control characters (tab and line ends aside), else null. */
    private static String utf8(byte[] b) {
        for (byte x : b) {
            if (x >= 0 && x < 0x20 && x != '\t' && x != '\n' && x != '\r' || x == 0x7F) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    // ================= publish and reload =================

    private CompletableFuture<Response> publish(String body) {
        if (body == null || body.isBlank()) {
            throw ApiError.badRequest("body", "expected a JSON object like {\"topic\": \"a/b\", \"payload\": \"hi\"}");
        }
        Object parsed;
        try {
            parsed = Json.parse(body);
        } catch (Json.JsonException e) {
            throw ApiError.badRequest("body", e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw ApiError.badRequest("body", "expected a JSON object");
        }
        for (Object key : map.keySet()) {
            if (!List.of("topic", "payload", "payloadEncoding", "qos", "retain", "messageExpiryInterval",
                    "contentType", "userProperties").contains(key)) {
                throw ApiError.badRequest(String.valueOf(key), "unknown field '" + key + "' (allowed: topic, "
                        + "payload, payloadEncoding, qos, retain, messageExpiryInterval, contentType, userProperties)");
            }
        }
        String topic = string(map, "topic", true);
        String encoding = Optional.ofNullable(string(map, "payloadEncoding", false)).orElse("utf8");
        String payloadText = Optional.ofNullable(string(map, "payload", false)).orElse("");
        byte[] payload;
        if (encoding.equals("utf8")) {
            payload = payloadText.getBytes(StandardCharsets.UTF_8);
        } else if (encoding.equals("base64")) {
            try {
                payload = Base64.getDecoder().decode(payloadText);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("payload", "not valid base64: " + e.getMessage());
            }
        } else {
            throw ApiError.badRequest("payloadEncoding", "expected utf8 or base64, got '" + encoding + "'");
        }
        long qos = number(map, "qos", 0, 0, 2);
        boolean retain = bool(map, "retain");
        Long expiry = map.get("messageExpiryInterval") == null ? null
                : number(map, "messageExpiryInterval", 0, 0, 4_294_967_295L);
        String contentType = string(map, "contentType", false);
        List<UserProperty> userProperties = new ArrayList<>();
        Object up = map.get("userProperties");
        if (up != null) {
            if (!(up instanceof Map<?, ?> upm)) {
                throw ApiError.badRequest("userProperties", "expected an object of string values");
            }
            for (Map.Entry<?, ?> e : upm.entrySet()) {
                if (!(e.getValue() instanceof String v)) {
                    throw ApiError.badRequest("userProperties", "value of '" + e.getKey() + "' is not a string");
                }
                userProperties.add(new UserProperty(String.valueOf(e.getKey()), v));
            }
        }
        if (!dev.tern.core.TopicFilter.isValidTopicName(topic)) {
            throw ApiError.badRequest("topic", "not a valid topic name: '" + topic + "' (no wildcards, not empty)");
        }
        PublishProperties props = new PublishProperties(encoding.equals("utf8") ? 1 : null, expiry, null, null,
                null, contentType, List.of(), userProperties);
        return inspector.publish(topic, payload, (int) qos, retain, props, expiry)
                .thenApply(n -> Response.ok(Json.object("topic", topic, "qos", qos, "retain", retain,
                        "payloadSize", payload.length, "matchedSessions", n)));
    }

    private Response reload() {
        ReloadReport report = control.reload();
        List<String> errors = new ArrayList<>(report.errors());
        auth.reload().ifPresent(errors::add);
        return Response.ok(Json.object("reloaded", errors.isEmpty(), "errors", errors, "applied", report.applied(),
                "needsRestart", report.needsRestart()));
    }

    // ================= input =================

    private static String string(Map<?, ?> map, String field, boolean required) {
        Object v = map.get(field);
        if (v == null) {
            if (required) {
                throw ApiError.badRequest(field, "missing field '" + field + "'");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw ApiError.badRequest(field, "'" + field + "' must be a string");
        }
        return s;
    }

    private static long number(Map<?, ?> map, String field, long def, long min, long max) {
        Object v = map.get(field);
        if (v == null) {
            return def;
        }
        long n;
        if (v instanceof Long l) {
            n = l;
        } else if (v instanceof BigDecimal d && d.stripTrailingZeros().scale() <= 0) {
            n = d.longValue();
        } else {
            throw ApiError.badRequest(field, "'" + field + "' must be a whole number " + min + ".." + max);
        }
        if (n < min || n > max) {
            throw ApiError.badRequest(field, "'" + field + "' must be " + min + ".." + max + ", got " + n);
        }
        return n;
    }

    private static boolean bool(Map<?, ?> map, String field) {
        Object v = map.get(field);
        if (v == null) {
            return false;
        }
        if (!(v instanceof Boolean b)) {
            throw ApiError.badRequest(field, "'" + field + "' must be true or false");
        }
        return b;
    }

    private static int intParam(Map<String, String> q, String name, int def, int min, int max) {
        String v = q.get(name);
        if (v == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw ApiError.badRequest(name, "'" + name + "' must be a whole number " + min + ".." + max + ", got '" + v
                + "'");
    }

    private static Boolean boolParam(Map<String, String> q, String name) {
        String v = q.get(name);
        if (v == null) {
            return null;
        }
        if (v.equals("true") || v.equals("false")) {
            return Boolean.valueOf(v);
        }
        throw ApiError.badRequest(name, "'" + name + "' must be true or false, got '" + v + "'");
    }

    /** Case-insensitive substring search; a null needle matches everything. */
    private static boolean contains(String haystack, String needle) {
        if (needle == null || needle.isEmpty()) {
            return true;
        }
        return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT));
    }

    /**
     * Percent-decoding as UTF-8 that leaves '+' alone (topic filters use it as a wildcard). Malformed escapes are
     * a 400.
     */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw ApiError.badRequest("path", "bad percent-escape in '" + s + "'");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw ApiError.badRequest("path", "bad percent-escape in '" + s + "'");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Parses a query string ("a=1&b=x%2Fy"), '+' kept as '+'. */
    static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = percentDecode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : percentDecode(pair.substring(eq + 1));
            q.put(k, v);
        }
        return q;
    }
}
