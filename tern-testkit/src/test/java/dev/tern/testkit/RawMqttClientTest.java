package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.PingResp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The raw client against a scripted peer (no broker): framing, timeouts, close detection. */
class RawMqttClientTest {
    private ServerSocket server;
    private RawMqttClient client;
    private Socket peer;

    @BeforeEach
    void open() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        client = RawMqttClient.connect("127.0.0.1", server.getLocalPort());
        server.setSoTimeout(5000);
        peer = server.accept();
    }

    @AfterEach
    void closeAll() throws IOException {
        client.close();
        peer.close();
        server.close();
    }

    private void peerWrites(int... bytes) throws IOException {
        OutputStream out = peer.getOutputStream();
        for (int b : bytes) {
            out.write(b);
        }
        out.flush();
    }

    @Test
    void sendsBytesAsGiven() throws IOException {
        client.send(0x10, 0xFF, 0x01);
        InputStream in = peer.getInputStream();
        assertThat(in.readNBytes(3)).containsExactly(0x10, 0xFF, 0x01);
    }

    @Test
    void timeoutReturnsNullAndKeepsPartialFrame() throws IOException {
        peerWrites(0x20, 0x02, 0x00); // CONNACK without its last byte
        assertThat(client.receiveRaw(Duration.ofMillis(100))).isNull();
        peerWrites(0x00);
        assertThat(client.receiveRaw(Duration.ofSeconds(2))).containsExactly(0x20, 0x02, 0x00, 0x00);
    }

    @Test
    void splitsFramesThatArriveTogether() throws IOException {
        peerWrites(0xD0, 0x00, 0x20, 0x02, 0x01, 0x00);
        client.version(MqttVersion.V3_1_1);
        assertThat(client.receive(Duration.ofSeconds(2))).isInstanceOf(PingResp.class);
        Connack ack = client.expect(Connack.class);
        assertThat(ack.sessionPresent()).isTrue();
        assertThat(ack.reasonCode()).isZero();
    }

    @Test
    void multiByteRemainingLength() throws IOException {
        // PUBLISH QoS 0 with remaining length 130 (0x82 0x01): topic 'a' and 127 payload bytes
        int[] frame = new int[133];
        frame[0] = 0x30;
        frame[1] = 0x82;
        frame[2] = 0x01;
        frame[3] = 0x00;
        frame[4] = 0x01;
        frame[5] = 'a';
        peerWrites(frame);
        assertThat(client.receiveRaw(Duration.ofSeconds(2))).hasSize(133);
    }

    @Test
    void seesTheCloseAndKeepsWhatCameBefore() throws IOException {
        peerWrites(0xD0, 0x00);
        peer.close();
        assertThat(client.awaitClosed(Duration.ofSeconds(2))).isTrue();
        assertThat(client.discarded()).hasSize(1);
        assertThat(client.isClosedByBroker()).isTrue();
        assertThatThrownBy(() -> client.receiveRaw(Duration.ofMillis(10)))
                .isInstanceOf(RawMqttClient.ConnectionClosedException.class);
    }

    @Test
    void expectFailsOnWrongTypeAndOnTimeout() throws IOException {
        client.version(MqttVersion.V3_1_1);
        peerWrites(0xD0, 0x00);
        assertThatThrownBy(() -> client.expect(Connack.class, Duration.ofSeconds(2)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("PingResp");
        assertThatThrownBy(() -> client.expect(Connack.class, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("got nothing");
        client.expectNothing(Duration.ofMillis(50));
    }

    @Test
    void awaitClosedIsFalseWhileOpen() {
        assertThat(client.awaitClosed(Duration.ofMillis(100))).isFalse();
    }
}
