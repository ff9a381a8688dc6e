package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.Publish;
import dev.tern.security.Algorithm;
import dev.tern.security.PasswordFile;
import dev.tern.server.Tern;
import dev.tern.server.config.HttpConfig;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.Brokers;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Raw;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The admin REST API over real HTTP: every call, its errors, and authentication. */
class AdminApiTest {
    private static final String TOKEN = "admin-api-test-token-0123456789";
    private static final Path ADMINS = admins();

    @RegisterExtension
    static TernExtension broker = new TernExtension(b -> b.http(HttpConfig.on("127.0.0.1", 0, TOKEN, ADMINS, false)));

    private static Path admins() {
        try {
            Path dir = Files.createTempDirectory("tern-admins");
            Path f = dir.resolve("admins");
            Files.writeString(f, "ops:" + PasswordFile.hash("ops-secret".getBytes(StandardCharsets.UTF_8)) + "\n");
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObservabilityHttp api() {
        return ObservabilityHttp.bearer(broker.tern().httpAddress(), TOKEN);
    }

    private static void assertError(HttpResponse<String> r, int status, String field) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(r.body()).contains("\"error\":{\"status\":" + status);
        if (field != null) {
            assertThat(r.body()).contains("\"field\":\"" + field + "\"");
        }
    }

    @Test
    @DisplayName("authentication: 401 with WWW-Authenticate without or with bad credentials; token and Basic work")
    void authentication() {
        var at = broker.tern().httpAddress();
        HttpResponse<String> none = ObservabilityHttp.bearer(at, null).get("/api/v1/broker");
        assertError(none, 401, null);
        assertThat(none.headers().allValues("WWW-Authenticate"))
                .anyMatch(v -> v.startsWith("Bearer realm=\"tern\"")).anyMatch(v -> v.startsWith("Basic realm="));
        assertError(ObservabilityHttp.bearer(at, "not-the-token-at-all").get("/api/v1/clients"), 401, null);
        assertError(ObservabilityHttp.basic(at, "ops", "wrong").get("/api/v1/clients"), 401, null);
        assertError(ObservabilityHttp.basic(at, "nobody", "ops-secret").get("/api/v1/clients"), 401, null);
        assertThat(ObservabilityHttp.basic(at, "ops", "ops-secret").get("/api/v1/broker").statusCode())
                .isEqualTo(200);
        assertThat(api().get("/api/v1/broker").statusCode()).isEqualTo(200);
        // every resource refuses without credentials, writes included
        for (String[] call : new String[][] {{"GET", "/api/v1/clients"}, {"DELETE", "/api/v1/clients/x"},
            {"GET", "/api/v1/sessions"}, {"DELETE", "/api/v1/sessions/x"}, {"GET", "/api/v1/subscriptions"},
            {"GET", "/api/v1/retained"}, {"DELETE", "/api/v1/retained/a"}, {"POST", "/api/v1/publish"},
            {"POST", "/api/v1/reload"}, {"GET", "/metrics"}}) {
            assertThat(ObservabilityHttp.bearer(at, null).call(call[0], call[1], call[0].equals("POST") ? "{}" : null)
                    .statusCode()).as("%s %s", call[0], call[1]).isEqualTo(401);
        }
    }

    @Test
    @DisplayName("anonymous access only when asked for and bound to loopback")
    void anonymousOnLoopback() {
        try (Tern open = Tern.builder().bind("127.0.0.1").port(0)
                .http(HttpConfig.on("127.0.0.1", 0, null, null, true)).build()) {
            open.start();
            assertThat(ObservabilityHttp.bearer(open.httpAddress(), null).get("/api/v1/broker").statusCode())
                    .isEqualTo(200);
        }
        try (Tern closed = Tern.builder().bind("127.0.0.1").port(0)
                .http(HttpConfig.on("127.0.0.1", 0, null, null, false)).build()) {
            closed.start();
            assertThat(ObservabilityHttp.bearer(closed.httpAddress(), null).get("/api/v1/broker").statusCode())
                    .isEqualTo(401);
        }
    }

    @Test
    @DisplayName("GET /broker: version, uptime, listeners")
    void brokerInfo() {
        HttpResponse<String> r = api().get("/api/v1/broker");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"version\":\"", "\"uptimeSeconds\":",
                "\"listeners\":[\"tcp 127.0.0.1:" + broker.port() + "\"]", "\"dropped\":{", "\"webSockets\":[]");
    }

    @Test
    @DisplayName("GET /stats: connections and PUBLISH counters (what the dashboard's charts poll), with a timestamp")
    void stats() {
        HttpResponse<String> before = api().get("/api/v1/stats");
        assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
        assertThat(before.body()).contains("\"time\":", "\"uptimeSeconds\":", "\"connections\":",
                "\"clientsConnected\":", "\"subscriptions\":", "\"retainedMessages\":", "\"messagesPublished\":",
                "\"bytesReceived\":", "\"bytesSent\":", "\"dropped\":", "\"droppedByReason\":{\"queue_full\":");
        try (RawMqttClient sub = Raw.connected(broker.port(), ConnectBuilder.v5("api-stats-sub"));
             RawMqttClient pub = Raw.connected(broker.port(), ConnectBuilder.v311("api-stats-pub"))) {
            sub.subscribe("api/stats/#", 0);
            for (int i = 1; i <= 5; i++) {
                pub.send(Raw.publish("api/stats/t", 1, i, "m" + i));
                pub.expect(dev.tern.codec.packet.PubAck.class);
                sub.expect(Publish.class);
            }
            String after = api().get("/api/v1/stats").body();
            assertThat(ObservabilityHttp.number(after, "publishReceived")
                    - ObservabilityHttp.number(before.body(), "publishReceived")).isEqualTo(5);
            assertThat(ObservabilityHttp.number(after, "publishSent")
                    - ObservabilityHttp.number(before.body(), "publishSent")).isEqualTo(5);
            assertThat(ObservabilityHttp.number(after, "clientsConnected")).isGreaterThanOrEqualTo(2);
            assertThat(ObservabilityHttp.number(after, "time")).isGreaterThanOrEqualTo(
                    ObservabilityHttp.number(before.body(), "time"));
        }
        assertError(ObservabilityHttp.bearer(broker.tern().httpAddress(), null).get("/api/v1/stats"), 401, null);
        assertError(api().post("/api/v1/stats", "{}"), 405, null);
    }

    @Test
    @DisplayName("GET /clients finds a client by id, username and address with its details; unknown id is 404")
    void clients() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("api-client-1").keepAlive(42))) {
            c.subscribe("api/one/#", 1);
            HttpResponse<String> all = api().get("/api/v1/clients?id=API-CLIENT");
            assertThat(all.statusCode()).isEqualTo(200);
            assertThat(ObservabilityHttp.number(all.body(), "total")).isEqualTo(1);
            assertThat(all.body()).contains("\"clientId\":\"api-client-1\"", "\"protocolVersion\":\"5\"",
                    "\"keepAlive\":42", "\"cleanStart\":true", "\"address\":\"127.0.0.1:",
                    "\"filter\":\"api/one/#\"", "\"queued\":0", "\"inflight\":0", "\"listener\":\"tcp 127.0.0.1:");
            assertThat(api().get("/api/v1/clients?address=127.0.0.1").body()).contains("api-client-1");
            assertThat(ObservabilityHttp.number(api().get("/api/v1/clients?username=nobody").body(), "total"))
                    .isZero();
            assertThat(api().get("/api/v1/clients/api-client-1").body()).contains("\"keepAlive\":42");
            assertError(api().get("/api/v1/clients/no-such-client"), 404, null);
            assertError(api().get("/api/v1/clients?limit=x"), 400, "limit");
        }
    }

    @Test
    @DisplayName("DELETE /clients/{id}: an MQTT 5 client gets DISCONNECT 0x98 and is closed; the session stays")
    void kick() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("api-kick").cleanStart(false)
                .sessionExpiry(300))) {
            c.subscribe("api/kick", 1);
            HttpResponse<String> r = api().delete("/api/v1/clients/api-kick");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains("\"disconnected\":true");
            Disconnect d = c.expect(Disconnect.class);
            assertThat(d.reasonCode()).isEqualTo(0x98);
            assertThat(c.awaitClosed(Raw.TIMEOUT)).isTrue();
        }
        Brokers.awaitOffline(broker, "api-kick");
        assertError(api().get("/api/v1/clients/api-kick"), 404, null);
        assertError(api().delete("/api/v1/clients/api-kick"), 404, null);
        HttpResponse<String> s = api().get("/api/v1/sessions/api-kick");
        assertThat(s.statusCode()).isEqualTo(200);
        assertThat(s.body()).contains("\"connected\":false", "\"sessionExpiryInterval\":300",
                "\"filter\":\"api/kick\"");
        assertThat(ObservabilityHttp.number(s.body(), "expiresInSeconds")).isBetween(1L, 300L);
        assertThat(api().get("/metrics").body())
                .contains("tern_disconnects_total{initiator=\"server\",reason=\"administrative_action\"} 1.0");

        // DELETE /sessions/{id} ends it
        assertThat(api().delete("/api/v1/sessions/api-kick").statusCode()).isEqualTo(200);
        assertError(api().get("/api/v1/sessions/api-kick"), 404, null);
        assertError(api().delete("/api/v1/sessions/api-kick"), 404, null);
    }

    @Test
    @DisplayName("sessions: list with ?connected=, delete of a connected one kicks it, DELETE /sessions ends offline ones")
    void sessions() {
        try (RawMqttClient gone = Raw.connected(broker.port(), ConnectBuilder.v311("api-sess-off")
                .cleanStart(false))) {
            gone.subscribe("api/sess", 0);
        }
        Brokers.awaitOffline(broker, "api-sess-off");
        try (RawMqttClient on = Raw.connected(broker.port(), ConnectBuilder.v5("api-sess-on"))) {
            assertThat(api().get("/api/v1/sessions?connected=false&id=api-sess").body())
                    .contains("api-sess-off").doesNotContain("api-sess-on");
            assertThat(api().get("/api/v1/sessions?connected=true&id=api-sess").body())
                    .contains("api-sess-on").doesNotContain("api-sess-off");
            assertError(api().get("/api/v1/sessions?connected=maybe"), 400, "connected");

            HttpResponse<String> offline = api().delete("/api/v1/sessions");
            assertThat(offline.statusCode()).isEqualTo(200);
            assertThat(ObservabilityHttp.number(offline.body(), "deleted")).isGreaterThanOrEqualTo(1);
            assertError(api().get("/api/v1/sessions/api-sess-off"), 404, null);
            assertThat(api().get("/api/v1/sessions/api-sess-on").statusCode()).as("connected ones stay")
                    .isEqualTo(200);

            assertThat(api().delete("/api/v1/sessions/api-sess-on").statusCode()).isEqualTo(200);
            assertThat(on.expect(Disconnect.class).reasonCode()).isEqualTo(0x98);
        }
    }

    @Test
    @DisplayName("GET /subscriptions lists every subscription, searchable by client id and filter")
    void subscriptions() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("api-subs"))) {
            c.subscribe("api/subs/+/x", 2);
            c.subscribe("$share/g1/api/shared", 1);
            HttpResponse<String> r = api().get("/api/v1/subscriptions?clientId=api-subs");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(ObservabilityHttp.number(r.body(), "total")).isEqualTo(2);
            assertThat(r.body()).contains("\"filter\":\"api/subs/+/x\"", "\"qos\":2",
                    "\"filter\":\"$share/g1/api/shared\"", "\"shareGroup\":\"g1\"");
            assertThat(ObservabilityHttp.number(api().get("/api/v1/subscriptions?filter=subs/+").body(), "total"))
                    .isEqualTo(1);
        }
    }

    @Test
    @DisplayName("POST /publish: a subscriber receives it; retained ones are listed, read and deleted")
    void publishAndRetained() {
        try (RawMqttClient sub = Raw.connected(broker.port(), ConnectBuilder.v5("api-pub-sub"))) {
            sub.subscribe("api/pub/#", 1);
            HttpResponse<String> r = api().post("/api/v1/publish",
                    "{\"topic\":\"api/pub/a\",\"payload\":\"hello\",\"qos\":1,\"retain\":true,"
                            + "\"contentType\":\"text/plain\",\"userProperties\":{\"k\":\"v\"}}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(ObservabilityHttp.number(r.body(), "matchedSessions")).isEqualTo(1);
            Publish p = sub.expect(Publish.class);
            assertThat(p.topic()).isEqualTo("api/pub/a");
            assertThat(Raw.text(p.payload())).isEqualTo("hello");
            assertThat(p.qos()).isEqualTo(1);
            assertThat(p.properties().contentType()).isEqualTo("text/plain");

            api().post("/api/v1/publish", "{\"topic\":\"api/pub/b/c\",\"payload\":\"AAEC\","
                    + "\"payloadEncoding\":\"base64\",\"retain\":true}");
            assertThat(sub.expect(Publish.class).payload()).containsExactly(0, 1, 2);
        }
        HttpResponse<String> list = api().get("/api/v1/retained?filter=api/pub/%23");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(ObservabilityHttp.number(list.body(), "total")).isEqualTo(2);
        assertThat(list.body()).contains("\"topic\":\"api/pub/a\"", "\"payload\":\"hello\"",
                "\"topic\":\"api/pub/b/c\"", "\"payload\":\"AAEC\",\"payloadEncoding\":\"base64\"");
        HttpResponse<String> paged = api().get("/api/v1/retained?filter=api/pub/%23&offset=1&limit=1");
        assertThat(paged.body()).contains("api/pub/b/c").doesNotContain("\"topic\":\"api/pub/a\"");
        assertThat(api().get("/api/v1/retained?filter=api/+/a").body()).contains("api/pub/a");
        assertThat(api().get("/api/v1/retained/api/pub/a").body()).contains("\"payloadEncoding\":\"utf8\"",
                "\"contentType\":\"text/plain\"");

        assertThat(api().delete("/api/v1/retained/api/pub/a").statusCode()).isEqualTo(200);
        assertError(api().get("/api/v1/retained/api/pub/a"), 404, null);
        assertError(api().delete("/api/v1/retained/api/pub/a"), 404, null);
        assertError(api().delete("/api/v1/retained"), 400, "filter");
        HttpResponse<String> bulk = api().delete("/api/v1/retained?filter=api/pub/%23");
        assertThat(ObservabilityHttp.number(bulk.body(), "deleted")).isEqualTo(1);
        assertThat(ObservabilityHttp.number(api().get("/api/v1/retained?filter=api/%23").body(), "total")).isZero();
        // a late subscriber gets nothing retained any more
        try (RawMqttClient late = Raw.connected(broker.port(), ConnectBuilder.v311("api-late"))) {
            late.subscribe("api/pub/#", 0);
            late.expectNothing(Raw.SHORT);
        }
        assertError(api().get("/api/v1/retained?filter=a/%23/b"), 400, "filter");
    }

    @Test
    @DisplayName("POST /publish: bad input is a 400 naming the field")
    void publishErrors() {
        assertError(api().post("/api/v1/publish", "{\"payload\":\"x\"}"), 400, "topic");
        assertError(api().post("/api/v1/publish", "{\"topic\":\"a\",\"qos\":3}"), 400, "qos");
        assertError(api().post("/api/v1/publish", "{\"topic\":\"a/#\"}"), 400, "topic");
        assertError(api().post("/api/v1/publish", "{\"topic\":\"a\",\"retain\":\"yes\"}"), 400, "retain");
        assertError(api().post("/api/v1/publish", "{\"topic\":\"a\",\"colour\":1}"), 400, "colour");
        assertError(api().post("/api/v1/publish", "{\"topic\":\"a\",\"payloadEncoding\":\"hex\"}"), 400,
                "payloadEncoding");
        assertError(api().post("/api/v1/publish", "{\"topic\":"), 400, "body");
        assertError(api().post("/api/v1/publish", "[1]"), 400, "body");
        assertError(api().get("/api/v1/publish"), 405, null);
        assertError(api().get("/api/v1/nothing-here"), 404, null);
        assertError(api().get("/nothing"), 404, null);
    }

    @Test
    @DisplayName("POST /reload re-reads the files (password file, ACL, http.admins)")
    void reload() throws IOException {
        HttpResponse<String> r = api().post("/api/v1/reload", "");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"reloaded\":true", "\"errors\":[]");
        // a new admin in http.admins works after the reload
        Files.writeString(ADMINS, Files.readString(ADMINS) + "ops2:"
                + PasswordFile.hash("second".getBytes(StandardCharsets.UTF_8)) + "\n");
        api().post("/api/v1/reload", "");
        await().atMost(Duration.ofSeconds(5)).until(() -> ObservabilityHttp.basic(broker.tern().httpAddress(),
                "ops2", "second").get("/api/v1/broker").statusCode() == 200);
    }

    @Test
    @DisplayName("HTTP Basic: a login verified once is remembered only for that password and that admins file")
    void basicLoginsAreRememberedSafely() throws IOException {
        Path dir = Files.createTempDirectory("tern-admins-cache");
        Path admins = dir.resolve("admins");
        // a NUL in the password: "lead" + NUL + "first" + NUL + "pw" could also be read as user "lead<NUL>first"
        Files.writeString(admins, "lead:" + PasswordFile.hash("first\u0000pw".getBytes(StandardCharsets.UTF_8)) + "\n");
        try (Tern t = Tern.builder().bind("127.0.0.1").port(0)
                .http(HttpConfig.on("127.0.0.1", 0, TOKEN, admins, false)).build()) {
            t.start();
            var at = t.httpAddress();
            for (int i = 0; i < 3; i++) { // verified, then from memory
                assertThat(ObservabilityHttp.basic(at, "lead", "first\u0000pw").get("/api/v1/broker").statusCode())
                        .isEqualTo(200);
            }
            assertThat(ObservabilityHttp.basic(at, "lead", "first\u0000pw-").get("/api/v1/broker").statusCode())
                    .as("another password of the same user").isEqualTo(401);
            assertThat(ObservabilityHttp.basic(at, "lead\u0000first", "pw").get("/api/v1/broker").statusCode())
                    .as("the same bytes split into another user and password").isEqualTo(401);
            // the password changes in the file: the remembered login must not outlive it
            Files.writeString(admins, "lead:" + PasswordFile.hash("second-pw".getBytes(StandardCharsets.UTF_8)) + "\n");
            assertThat(ObservabilityHttp.bearer(at, TOKEN).post("/api/v1/reload", "").statusCode()).isEqualTo(200);
            assertThat(ObservabilityHttp.basic(at, "lead", "first\u0000pw").get("/api/v1/broker").statusCode())
                    .isEqualTo(401);
            assertThat(ObservabilityHttp.basic(at, "lead", "second-pw").get("/api/v1/broker").statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    @DisplayName("HTTP Basic: password hashes are checked off the listener's thread; a flood of logins gets 429")
    void slowPasswordHashesDoNotHoldUpTheListener() throws Exception {
        Path dir = Files.createTempDirectory("tern-admins-slow");
        Path admins = dir.resolve("admins");
        // a deliberately slow hash (a million PBKDF2 rounds: about a second here), so that logins pile up
        Files.writeString(admins, "slow:" + PasswordFile.hash("right".getBytes(StandardCharsets.UTF_8),
                Algorithm.SHA512_PBKDF2, 1_000_000) + "\n");
        try (Tern t = Tern.builder().bind("127.0.0.1").port(0)
                .http(HttpConfig.on("127.0.0.1", 0, TOKEN, admins, false)).build()) {
            t.start();
            var at = t.httpAddress();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String basic = "Basic " + Base64.getEncoder().encodeToString("slow:wrong".getBytes(StandardCharsets.UTF_8));
            List<CompletableFuture<HttpResponse<String>>> logins = new ArrayList<>();
            int flood = 1 + 16 + 8; // one being checked, sixteen waiting, eight more
            for (int i = 0; i < flood; i++) {
                logins.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort()
                        + "/api/v1/broker")).header("Authorization", basic).build(), BodyHandlers.ofString()));
            }
            // what is over the queue is refused at once, with a hint to come back
            await().atMost(Duration.ofSeconds(10)).until(() -> logins.stream().filter(CompletableFuture::isDone)
                    .filter(f -> f.join().statusCode() == 429).count() >= 8);
            HttpResponse<String> busy = logins.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join)
                    .filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
            assertThat(busy.headers().firstValue("Retry-After")).contains("1");
            // meanwhile the listener answers everyone else at once
            assertThat(ObservabilityHttp.bearer(at, TOKEN).get("/api/v1/broker").statusCode()).isEqualTo(200);
            assertThat(logins).as("logins still being checked").anyMatch(f -> !f.isDone());
            // and the checked ones are refused as they should be
            await().atMost(Duration.ofSeconds(60)).until(() -> logins.stream()
                    .anyMatch(f -> f.isDone() && f.join().statusCode() == 401));
        }
    }

    @Test
    @DisplayName("GET /api/v1/openapi.json: an OpenAPI 3 document of every endpoint, served without credentials")
    void openApi() {
        HttpResponse<String> r = ObservabilityHttp.bearer(broker.tern().httpAddress(), null)
                .get("/api/v1/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"openapi\": \"3.0.3\"", "\"/broker\"", "\"/clients\"",
                "\"/clients/{clientId}\"", "\"/sessions\"", "\"/sessions/{clientId}\"", "\"/subscriptions\"",
                "\"/retained\"", "\"/retained/{topic}\"", "\"/publish\"", "\"/reload\"", "\"/stats\"", "\"bearer\"",
                "\"basic\"");
    }
}
