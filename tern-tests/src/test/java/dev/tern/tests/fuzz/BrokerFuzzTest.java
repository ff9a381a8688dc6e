package dev.tern.tests.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tern.codec.packet.Connack;
import dev.tern.server.Tern;
import dev.tern.testkit.RawMqttClient;
import dev.tern.tests.support.ConnectBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Fuzzes the whole broker through a real socket: arbitrary bytes (seeded with valid conversations: CONNECT,
 * SUBSCRIBE, PUBLISH at every QoS, acks, DISCONNECT, for 3.1, 3.1.1 and 5) go to a live embedded broker over TCP,
 * then the connection is half-closed. The oracle: the broker answers a fresh client's CONNECT after every input
 * (no crash, no stuck shard), and the test never sees an exception from the broker side. Netty's leak detector
 * runs at paranoid in this JVM (surefire); a leak is logged as "LEAK:".
 */
class BrokerFuzzTest {
    private static final Tern TERN = Tern.builder().port(0).build();
    private static final int PORT = TERN.start();

    @FuzzTest(maxDuration = "30s")
    void anyBytes(byte[] input) throws IOException {
        // Jazzer's SSRF detector flags every outgoing connection; this test's only ones go to its own broker
        try (SilentCloseable ownBroker = BugDetectors.allowNetworkConnections(
                (host, port) -> port == PORT && (host.equals("127.0.0.1") || host.equals("localhost")))) {
            talk(input);
        }
    }

    private static void talk(byte[] input) throws IOException {
        try (Socket s = new Socket("127.0.0.1", PORT)) {
            s.setSoTimeout(50);
            s.getOutputStream().write(input);
            s.shutdownOutput();
            drain(s.getInputStream());
        }
        try (RawMqttClient probe = RawMqttClient.connect(PORT)) {
            Connack ack = probe.handshake(ConnectBuilder.v311("fuzz-probe").build());
            assertThat(ack.reasonCode()).as("a fresh client is still accepted").isZero();
        }
    }

    /** Reads what the broker answers until it closes or goes quiet. */
    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // discard
            }
        } catch (SocketTimeoutException quiet) {
            // the broker keeps the connection open (e.g. a valid CONNECT): the socket is closed by the caller
        } catch (IOException reset) {
            // a reset is a fine answer to garbage
        }
    }
}
