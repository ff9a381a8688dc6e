package dev.tern.tests;

import static dev.tern.tests.support.Raw.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.packet.Disconnect;
import dev.tern.server.Tern;
import dev.tern.testkit.RawMqttClient;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Raw;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The embedding API: start on port 0, close tells MQTT 5 clients 0x8B and stops listening. */
class LifecycleTest {
    @Test
    @DisplayName("Tern.start() returns the bound port; close() sends DISCONNECT 0x8B to MQTT 5 clients, closes "
            + "3.1.1 clients and stops listening")
    void startAndClose() throws Exception {
        Tern tern = Tern.builder().bind("127.0.0.1").port(0).build();
        int port = tern.start();
        assertThat(port).isPositive();
        try (RawMqttClient v5 = Raw.connected(port, ConnectBuilder.v5("life-5"));
             RawMqttClient v3 = Raw.connected(port, ConnectBuilder.v311("life-3"))) {
            tern.close();
            assertThat(v5.expect(Disconnect.class).reasonCode()).isEqualTo(0x8B);
            assertThat(v5.awaitClosed(TIMEOUT)).isTrue();
            assertThat(v3.awaitClosed(TIMEOUT)).isTrue();
            assertThat(v3.discarded()).isEmpty();
        } finally {
            tern.close();
        }
        tern.close(); // idempotent
        boolean refused;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            refused = false;
        } catch (ConnectException e) {
            refused = true;
        }
        assertThat(refused).as("nothing listens on the port after close").isTrue();
    }
}
