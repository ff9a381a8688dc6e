package dev.tern.tests;

import static dev.tern.tests.support.Raw.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.server.Tern;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.ListenerConfig;
import dev.tern.testkit.RawMqttClient;
import dev.tern.tests.TlsTest.LogCapture;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Raw;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code listeners[].max-connection-rate} and {@code max-connection-rate-per-address} against a real broker: a
 * burst above the rate has some connections closed at once without a CONNACK while the others are accepted, the
 * refusal is logged naming the key, and connecting works again a second later. On a PROXY protocol listener the
 * per-address limit counts the address of the header, not the balancer's.
 *
 * <p>Counts are bounded, not exact: the buckets refill while the burst is being sent, and the machine may be slow.
 */
class ConnectionRateLimitTest {
    private static final int LISTENER_RATE = 5;
    private static final int ADDRESS_RATE = 3;
    private static final int BURST = 30;

    static Tern broker;
    static int perListener;
    static int perAddress;
    static int proxied;

    @BeforeAll
    static void start() {
        broker = Tern.builder().config(BrokerConfig.defaults().withListeners(List.of(
                ListenerConfig.tcp("127.0.0.1", 0).withConnectionRates(LISTENER_RATE, 0),
                ListenerConfig.tcp("127.0.0.1", 0).withConnectionRates(0, ADDRESS_RATE),
                ListenerConfig.tcp("127.0.0.1", 0).withProxyProtocol(true).withConnectionRates(0, 2))))
                .build();
        broker.start();
        perListener = broker.ports().get(0);
        perAddress = broker.ports().get(1);
        proxied = broker.ports().get(2);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    /** Opens {@code n} sockets that each send a CONNECT (after {@code prefix}), then counts who got CONNACK 0. */
    private static int[] burst(int port, int n, String idPrefix, byte[] prefix) {
        List<RawMqttClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                RawMqttClient c = RawMqttClient.connect(port);
                clients.add(c);
                byte[] connect = RawMqttClient.encode(ConnectBuilder.v5(idPrefix + i).build(), MqttVersion.V5);
                c.trySend(concat(prefix, connect));
            }
            int accepted = 0;
            int refused = 0;
            for (RawMqttClient c : clients) {
                if (accepted(c)) {
                    accepted++;
                } else {
                    refused++;
                }
            }
            return new int[] {accepted, refused};
        } finally {
            clients.forEach(RawMqttClient::close);
        }
    }

    /** True for CONNACK 0; false when the broker closed the connection without any packet. */
    private static boolean accepted(RawMqttClient c) {
        MqttPacket p;
        try {
            p = c.receive(TIMEOUT);
        } catch (RawMqttClient.ConnectionClosedException | UncheckedIOException closed) {
            return false;
        }
        if (p instanceof Connack ack && ack.reasonCode() == 0) {
            return true;
        }
        throw new AssertionError("expected CONNACK 0 or a close without a packet, got " + p);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] proxyV1(String client) {
        return ("PROXY TCP4 " + client + " 127.0.0.1 40000 1883\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean connectsWithin(int port, byte[] prefix, String id) {
        return burst(port, 1, id, prefix)[0] == 1;
    }

    @Test
    @DisplayName("max-connection-rate 5: a burst of 30 has some closed without CONNACK, at least 5 accepted; "
            + "a second later connecting works")
    void perListenerRate() throws InterruptedException {
        try (LogCapture log = new LogCapture()) {
            int[] r = burst(perListener, BURST, "rate-l-", new byte[0]);
            assertThat(r[0]).as("accepted (one second of burst)").isGreaterThanOrEqualTo(LISTENER_RATE);
            assertThat(r[1]).as("refused").isGreaterThanOrEqualTo(1);
            assertThat(log.events()).anySatisfy(e -> assertThat(e.getFormattedMessage())
                    .contains("refused connection from", "listeners[].max-connection-rate 5/s reached",
                            ":" + perListener));
        }
        Raw.elapse(Duration.ofMillis(1100)); // the bucket refills with time: nothing to wait on but the clock
        assertThat(connectsWithin(perListener, new byte[0], "rate-l-after")).isTrue();
    }

    @Test
    @DisplayName("max-connection-rate-per-address 3: a burst of 30 from one address has some refused, at least 3 "
            + "accepted; a second later connecting works")
    void perAddressRate() throws InterruptedException {
        try (LogCapture log = new LogCapture()) {
            int[] r = burst(perAddress, BURST, "rate-a-", new byte[0]);
            assertThat(r[0]).as("accepted").isGreaterThanOrEqualTo(ADDRESS_RATE);
            assertThat(r[1]).as("refused").isGreaterThanOrEqualTo(1);
            assertThat(log.events()).anySatisfy(e -> assertThat(e.getFormattedMessage())
                    .contains("/127.0.0.1:", "listeners[].max-connection-rate-per-address 3/s reached",
                            ":" + perAddress));
        }
        Raw.elapse(Duration.ofMillis(1100));
        assertThat(connectsWithin(perAddress, new byte[0], "rate-a-after")).isTrue();
    }

    @Test
    @DisplayName("proxy-protocol: the per-address rate counts the PROXY header's client, not the balancer")
    void perAddressRateUsesTheProxiedAddress() {
        try (LogCapture log = new LogCapture()) {
            int[] r = burst(proxied, 20, "rate-p-", proxyV1("203.0.113.7"));
            assertThat(r[0]).as("accepted from 203.0.113.7").isGreaterThanOrEqualTo(2);
            assertThat(r[1]).as("refused from 203.0.113.7").isGreaterThanOrEqualTo(1);
            assertThat(log.events()).anySatisfy(e -> assertThat(e.getFormattedMessage())
                    .contains("203.0.113.7", "max-connection-rate-per-address 2/s reached"));
        }
        // the same socket address (127.0.0.1), another client behind the balancer: its own budget
        assertThat(burst(proxied, 2, "rate-p2-", proxyV1("203.0.113.8"))[0]).isEqualTo(2);
    }
}
