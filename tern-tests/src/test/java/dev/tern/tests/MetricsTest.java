package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.Publish;
import dev.tern.server.config.HttpConfig;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Raw;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /metrics: Prometheus text, scraped over real HTTP and parsed; values move with traffic. */
class MetricsTest {
    private static final String TOKEN = "metrics-test-token-0123456789";

    @RegisterExtension
    static TernExtension broker = new TernExtension(b -> b.http(HttpConfig.on("127.0.0.1", 0, TOKEN, null, false)));

    private static ObservabilityHttp http() {
        return ObservabilityHttp.bearer(broker.tern().httpAddress(), TOKEN);
    }

    private static Map<String, Double> scrape() {
        HttpResponse<String> r = http().get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        return ObservabilityHttp.prometheus(r.body());
    }

    private static double value(Map<String, Double> m, String series) {
        assertThat(m).as("series %s", series).containsKey(series);
        return m.get(series);
    }

    @Test
    @DisplayName("every documented family is exposed: broker, JVM, Netty buffer pools")
    void families() {
        Map<String, Double> m = scrape();
        assertThat(m.keySet()).contains("tern_connections", "tern_clients_connected", "tern_sessions",
                "tern_queue_messages", "tern_queue_bytes", "tern_queue_depth_max", "tern_inflight_messages",
                "tern_retained_messages", "tern_subscriptions", "tern_connects_total", "tern_packets_received_total",
                "tern_packets_sent_total", "tern_network_received_bytes_total", "tern_network_sent_bytes_total",
                "tern_messages_published_total",
                "tern_messages_received_total{qos=\"0\"}", "tern_messages_received_total{qos=\"2\"}",
                "tern_messages_sent_total{qos=\"1\"}", "tern_messages_received_payload_bytes_total{qos=\"1\"}",
                "tern_messages_sent_payload_bytes_total{qos=\"0\"}",
                "tern_messages_dropped_total{reason=\"queue_full\"}",
                "tern_messages_dropped_total{reason=\"not_authorized\"}",
                "tern_connect_results_total{result=\"accepted\"}",
                "tern_disconnects_total{initiator=\"client\",reason=\"normal\"}",
                "tern_disconnects_total{initiator=\"network\",reason=\"connection_lost\"}",
                "tern_disconnects_total{initiator=\"server\",reason=\"session_taken_over\"}",
                "tern_delivery_latency_seconds_count", "tern_delivery_latency_seconds_sum");
        assertThat(m.keySet()).anyMatch(k -> k.startsWith("tern_delivery_latency_seconds_bucket{le="));
        assertThat(m.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"));
        assertThat(m.keySet()).anyMatch(k -> k.startsWith("jvm_gc_"));
        assertThat(m.keySet()).anyMatch(k -> k.startsWith("system_cpu_count"));
        assertThat(m.keySet()).anyMatch(k -> k.startsWith("netty_allocator_memory_used_bytes{allocator=\"pooled\""));
    }

    @Test
    @DisplayName("a broker on disk exposes the store's size, and it grows as messages are stored; in memory it has none")
    void storageSizes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path data) {
        if (System.getProperty(TernExtension.STORAGE_PROPERTY) == null) {
            assertThat(scrape().keySet()).as("in memory: nothing to report")
                    .noneMatch(k -> k.startsWith("tern_storage"));
        }
        try (dev.tern.server.Tern durable = dev.tern.server.Tern.builder().port(0).dataDir(data)
                .http(HttpConfig.on("127.0.0.1", 0, TOKEN, null, false)).build()) {
            int port = durable.start();
            ObservabilityHttp h = ObservabilityHttp.bearer(durable.httpAddress(), TOKEN);
            Map<String, Double> before = ObservabilityHttp.prometheus(h.get("/metrics").body());
            double disk = value(before, "tern_storage_disk_bytes");
            assertThat(disk).isPositive();
            assertThat(before).containsKeys("tern_storage_live_data_bytes", "tern_storage_memory_bytes");
            try (RawMqttClient sub = Raw.connected(port, ConnectBuilder.v5("storage-sub").cleanStart(false)
                    .sessionExpiry(600))) {
                sub.subscribe("storage/t", 1);
                sub.send(dev.tern.codec.packet.Disconnect.NORMAL);
            }
            try (RawMqttClient pub = Raw.connected(port, ConnectBuilder.v5("storage-pub"))) {
                byte[] payload = new byte[16 * 1024];
                for (int i = 1; i <= 40; i++) {
                    pub.send(dev.tern.codec.packet.Publish.of("storage/t", 1, false, i, payload));
                    pub.expect(PubAck.class);
                }
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(value(ObservabilityHttp.prometheus(
                    h.get("/metrics").body()), "tern_storage_disk_bytes")).as("640 KB queued for storage-sub")
                    .isGreaterThan(disk + 500_000));
        }
    }

    @Test
    @DisplayName("values move after publishes: messages and bytes by QoS, latency histogram, gauges")
    void valuesMove() {
        Map<String, Double> before = scrape();
        try (RawMqttClient sub = Raw.connected(broker.port(), ConnectBuilder.v5("metrics-sub").cleanStart(false)
                     .sessionExpiry(60));
             RawMqttClient pub = Raw.connected(broker.port(), ConnectBuilder.v5("metrics-pub"))) {
            sub.subscribe("metrics/t", 1);
            for (int i = 1; i <= 5; i++) {
                pub.send(Raw.publish("metrics/t", 1, i, "payload-" + i));
                assertThat(pub.expect(PubAck.class).packetId()).isEqualTo(i);
                Publish p = sub.expect(Publish.class);
                sub.send(PubAck.of(p.packetId()));
            }
            Map<String, Double> m = scrape();
            assertThat(value(m, "tern_messages_received_total{qos=\"1\"}"))
                    .isEqualTo(value(before, "tern_messages_received_total{qos=\"1\"}") + 5);
            assertThat(value(m, "tern_messages_sent_total{qos=\"1\"}"))
                    .isGreaterThanOrEqualTo(value(before, "tern_messages_sent_total{qos=\"1\"}") + 5);
            assertThat(value(m, "tern_messages_received_payload_bytes_total{qos=\"1\"}"))
                    .isGreaterThan(value(before, "tern_messages_received_payload_bytes_total{qos=\"1\"}") + 5 * 9);
            assertThat(value(m, "tern_network_received_bytes_total"))
                    .isGreaterThan(value(before, "tern_network_received_bytes_total"));
            assertThat(value(m, "tern_delivery_latency_seconds_count"))
                    .isGreaterThanOrEqualTo(value(before, "tern_delivery_latency_seconds_count") + 5);
            assertThat(value(m, "tern_clients_connected")).isGreaterThanOrEqualTo(2);
            assertThat(value(m, "tern_subscriptions")).isGreaterThanOrEqualTo(1);
            assertThat(value(m, "tern_connect_results_total{result=\"accepted\"}"))
                    .isGreaterThanOrEqualTo(value(before, "tern_connect_results_total{result=\"accepted\"}") + 2);

            // the subscriber goes away: QoS 1 messages wait in its queue, and the gauges say so
            sub.close();
            dev.tern.tests.support.Brokers.awaitOffline(broker, "metrics-sub");
            for (int i = 6; i <= 8; i++) {
                pub.send(Raw.publish("metrics/t", 1, i, "queued-" + i));
                pub.expect(PubAck.class);
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                Map<String, Double> q = scrape();
                assertThat(value(q, "tern_queue_messages")).isGreaterThanOrEqualTo(3);
                assertThat(value(q, "tern_queue_depth_max")).isGreaterThanOrEqualTo(3);
                assertThat(value(q, "tern_queue_bytes")).isGreaterThanOrEqualTo(3 * 8);
                assertThat(value(q, "tern_disconnects_total{initiator=\"network\",reason=\"connection_lost\"}"))
                        .isGreaterThanOrEqualTo(1);
            });
        }
        broker.tern().inspector().deleteSession("metrics-sub").join();
    }

    @Test
    @DisplayName("/metrics needs credentials like the API: 401 with WWW-Authenticate without them")
    void needsCredentials() {
        HttpResponse<String> r = ObservabilityHttp.bearer(broker.tern().httpAddress(), null).get("/metrics");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().allValues("WWW-Authenticate")).anyMatch(v -> v.startsWith("Bearer"));
        assertThat(ObservabilityHttp.bearer(broker.tern().httpAddress(), "wrong-token-wrong-token").get("/metrics")
                .statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("the counting wrapper of connections delegates every method of the Connection port")
    void countingConnectionDelegatesEverything() throws Exception {
        Class<?> counting = Class.forName("dev.tern.core.CountingConnection");
        for (Method m : dev.tern.core.Connection.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            Method impl = counting.getMethod(m.getName(), m.getParameterTypes());
            assertThat(impl.getDeclaringClass()).as("%s is overridden", m.getName()).isEqualTo(counting);
        }
        assertThat(Arrays.stream(counting.getDeclaredMethods()).filter(x -> !x.isSynthetic()).count())
                .isGreaterThanOrEqualTo(dev.tern.core.Connection.class.getMethods().length);
    }
}
