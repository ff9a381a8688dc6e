package dev.tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code tern broker} as a separate process: ready line, graceful stop on SIGTERM, reload on SIGHUP. */
@Timeout(60)
class BrokerProcessTest {
    private static final Pattern READY = Pattern.compile(
            "ready: listeners tcp 127\\.0\\.0\\.1:(\\d+), storage rocksdb at \\S+ \\(sync always\\)");

    private Process process;
    @org.junit.jupiter.api.io.TempDir
    Path data;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private int startBroker() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), TernCommand.class.getName(),
                "broker", "-p", "0", "--data", data.toString()).redirectErrorStream(true).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.add(line);
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
                port.completeExceptionally(new AssertionError("broker exited before ready: " + output));
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
        }, "broker-output");
        reader.setDaemon(true);
        reader.start();
        return port.get(30, TimeUnit.SECONDS);
    }

    @Test
    void sigtermStopsGracefullyWithExitCode0() throws Exception {
        int port = startBroker();
        assertThat(port).isPositive();
        assertThat(output).anySatisfy(l -> assertThat(l).matches(
                "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[main] dev\\.tern\\.cli - Tern \\S+ ready: "
                        + "listeners tcp 127\\.0\\.0\\.1:" + port + ", storage rocksdb at "
                        + Pattern.quote(data.toAbsolutePath().normalize().toString()) + " \\(sync always\\)"));

        process.destroy(); // SIGTERM
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("exited within 10s").isTrue();
        assertThat(process.exitValue()).as("exit code, output: %s", output).isZero();
    }

    @Test
    void sighupReloadsAndKeepsRunning() throws Exception {
        int port = startBroker();
        new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> output.stream().anyMatch(l -> l.contains("SIGHUP: reloading the configuration and the files it names")));
        assertThat(process.isAlive()).as("still running after SIGHUP").isTrue();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            assertThat(socket.isConnected()).isTrue();
        }
    }

    @Test
    void sigtermSendsDisconnect0x8BToMqtt5Clients() throws Exception {
        int port = startBroker();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            // CONNECT, MQTT 5, clean start, keepalive 60, no properties, client id "t"
            out.write(new byte[] {0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 0, 0, 1, 't'});
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] connack = readPacket(in);
            assertThat(connack[0] & 0xF0).as("CONNACK").isEqualTo(0x20);
            assertThat(connack[3]).as("CONNACK reason code").isZero();

            process.destroy(); // SIGTERM

            byte[] disconnect = readPacket(in);
            assertThat(disconnect[0] & 0xFF).as("DISCONNECT").isEqualTo(0xE0);
            assertThat(disconnect[2] & 0xFF).as("reason code: server shutting down").isEqualTo(0x8B);
        }
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
    }

    /** Reads one packet: fixed header byte, remaining length bytes, body; returns all of it. */
    private static byte[] readPacket(DataInputStream in) throws IOException {
        List<Integer> bytes = new ArrayList<>();
        bytes.add(readByte(in));
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            int b = readByte(in);
            bytes.add(b);
            length |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        byte[] body = in.readNBytes(length);
        byte[] all = new byte[bytes.size() + body.length];
        for (int i = 0; i < bytes.size(); i++) {
            all[i] = (byte) (int) bytes.get(i);
        }
        System.arraycopy(body, 0, all, bytes.size(), body.length);
        return all;
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new IOException("connection closed");
        }
        return b;
    }
}
