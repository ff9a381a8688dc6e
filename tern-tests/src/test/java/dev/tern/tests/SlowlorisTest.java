package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.codec.packet.Publish;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.LimitsConfig;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Raw;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile clients at scale: thousands of sockets that connect and never send CONNECT are closed by the connect
 * timeout, and meanwhile the broker keeps serving a normal client.
 */
class SlowlorisTest {
    private static final int SOCKETS = 5_000;

    @RegisterExtension
    static TernExtension broker = new TernExtension(b -> b.config(BrokerConfig.defaults()
            .withLimits(new LimitsConfig(0, Duration.ofSeconds(2)))));

    @Test
    @DisplayName("5,000 sockets that send nothing are all closed by limits.connect-timeout; others are served")
    void silentSocketsAreClosedByTheConnectTimeout() throws Exception {
        List<Socket> sockets = new ArrayList<>(SOCKETS);
        try {
            for (int i = 0; i < SOCKETS; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", broker.port()), 5_000);
                s.setSoTimeout(1);
                sockets.add(s);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> broker.tern().broker().connectionCount() >= SOCKETS);

            // a real client is served while the silent ones wait for their timeout
            try (RawMqttClient sub = Raw.connected(broker.port(), ConnectBuilder.v5("slowloris-sub"));
                 RawMqttClient pub = Raw.connected(broker.port(), ConnectBuilder.v311("slowloris-pub"))) {
                sub.subscribe("sl/t", 0);
                pub.send(Raw.publish("sl/t", 0, 0, "still here"));
                assertThat(Raw.text(sub.expect(Publish.class).payload())).isEqualTo("still here");
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> broker.tern().broker().connectionCount() == 0);
            int closedByBroker = 0;
            for (Socket s : sockets) {
                if (closedByPeer(s)) {
                    closedByBroker++;
                }
            }
            assertThat(closedByBroker).as("sockets the broker closed").isEqualTo(SOCKETS);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** True when the peer closed the connection (read returns end of stream or a reset). */
    private static boolean closedByPeer(Socket s) {
        try {
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset
        }
    }
}
