package dev.tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code log:} section in a real {@code tern broker} process: JSON lines read back with a JSON parser, levels
 * per package in effect.
 */
@Timeout(90)
class LogConfigProcessTest {
    private static final Pattern PORT = Pattern.compile("ready: listeners tcp 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

    @TempDir
    Path dir;

    private Path config(String log) throws IOException {
        Path file = dir.resolve("tern.yaml");
        Files.writeString(file, """
                listeners:
                  - bind: 127.0.0.1:0
                storage:
                  engine: memory
                http:
                  bind: 127.0.0.1:0
                  allow-anonymous: true
                """ + log);
        return file;
    }

    static int port(String readyLine) {
        Matcher m = PORT.matcher(readyLine);
        assertThat(m.find()).as(readyLine).isTrue();
        return Integer.parseInt(m.group(1));
    }

    static JsonObject json(String line) {
        return JsonParser.parseString(line).getAsJsonObject();
    }

    @Test
    void jsonLinesWithLevelsPerPackage() throws Exception {
        Path file = config("""
                log:
                  level: warn
                  levels: {dev.tern.cli: info, dev.tern.core: debug}
                  format: json
                """);
        try (BrokerProcess broker = BrokerProcess.start("-c", file.toString())) {
            int port = port(broker.await("ready: listeners"));
            subscribeToAnInvalidFilter(port, "log-test");
            broker.await("invalid topic filter");
            List<String> lines = broker.lines();
            assertThat(lines).isNotEmpty().allSatisfy(line -> {
                JsonObject o = json(line);
                assertThat(o.keySet()).as(line).containsExactly("timestamp", "level", "logger", "thread", "message");
                assertThat(o.get("timestamp").getAsString()).matches(TIMESTAMP);
            });
            JsonObject ready = lines.stream().map(LogConfigProcessTest::json)
                    .filter(o -> o.get("message").getAsString().contains("ready: listeners")).findFirst().orElseThrow();
            assertThat(ready.get("level").getAsString()).isEqualTo("INFO");
            assertThat(ready.get("logger").getAsString()).isEqualTo("dev.tern.cli");
            assertThat(ready.get("thread").getAsString()).isEqualTo("main");
            // dev.tern.core at debug: the client's DEBUG line is there, and its INFO line
            assertThat(lines).map(LogConfigProcessTest::json).anySatisfy(o -> {
                assertThat(o.get("level").getAsString()).isEqualTo("DEBUG");
                assertThat(o.get("logger").getAsString()).isEqualTo("dev.tern.core.ClientConnection");
                assertThat(o.get("message").getAsString()).isEqualTo("client log-test: invalid topic filter 'a/#/b'");
            });
            assertThat(lines).anyMatch(l -> l.contains("client log-test connected from"));
            // the root at warn: the HTTP listener's INFO line (always logged at start) is not
            assertThat(lines).noneMatch(l -> l.contains("HTTP metrics, admin API and dashboard on"));
        }
    }

    @Test
    void textByDefaultAndJsonWithTheOption() throws Exception {
        Path file = config("");
        try (BrokerProcess broker = BrokerProcess.start("-c", file.toString())) {
            String ready = broker.await("ready: listeners");
            assertThat(ready).matches(TIMESTAMP.pattern() + " INFO  \\[main] dev\\.tern\\.cli - Tern .*");
            assertThat(broker.lines()).anyMatch(l -> l.contains("HTTP metrics, admin API and dashboard on"));
        }
        try (BrokerProcess broker = BrokerProcess.start("-c", file.toString(), "--log-format", "json")) {
            String ready = broker.await("ready: listeners");
            assertThat(json(ready).get("logger").getAsString()).isEqualTo("dev.tern.cli");
        }
    }

    @Test
    void sighupAppliesNewLevelsAndFormatAndConnectedClientsStay() throws Exception {
        Path file = config("""
                log:
                  levels: {dev.tern.core: warn}
                  format: json
                """);
        try (BrokerProcess broker = BrokerProcess.start("-c", file.toString())) {
            int port = port(broker.await("ready: listeners"));
            try (Socket first = connected(port, "log-first")) {
                Files.writeString(file, Files.readString(file).replace("levels: {dev.tern.core: warn}",
                        "levels: {dev.tern.core: info}").replace("format: json", "format: text")
                        + "limits:\n  max-connections: 50\n");
                broker.hangUp();
                String applied = broker.await("reload: log.format: json -> text");
                assertThat(json(applied).get("level").getAsString()).as("logged before the switch").isEqualTo("INFO");
                assertThat(broker.lines()).anyMatch(l -> l.contains("reload: limits.max-connections: 0 -> 50"))
                        .anyMatch(l -> l.contains("reload: log.levels.dev.tern.core: warn -> info"))
                        .noneMatch(l -> l.contains("log-first connected"));
                try (Socket second = connected(port, "log-second")) {
                    String line = broker.await("client log-second connected from");
                    assertThat(line).matches(TIMESTAMP.pattern()
                            + " INFO  \\[\\S+] dev\\.tern\\.core\\.ClientConnection - client log-second connected.*");
                }
                assertPingAnswered(first);
            }

            // an error in the file: refused whole, named with its line; the levels in force stay
            Files.writeString(file, Files.readString(file).replace("format: text", "format: xml"));
            broker.hangUp();
            String refused = broker.await("reload refused");
            assertThat(refused).contains("WARN", "the configuration in force stays: " + file
                    + ":10: log.format: expected one of text, json, got 'xml'");
            try (Socket third = connected(port, "log-third")) {
                assertThat(broker.await("client log-third connected from")).doesNotStartWith("{");
            }
        }
    }

    /** An MQTT 3.1.1 client, connected (CONNACK read); the socket stays open. */
    static Socket connected(int port, String clientId) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        byte[] id = clientId.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream connect = new java.io.ByteArrayOutputStream();
        connect.writeBytes(new byte[] {0x10, (byte) (12 + id.length), 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60,
            0, (byte) id.length});
        connect.writeBytes(id);
        socket.getOutputStream().write(connect.toByteArray());
        assertThat(new DataInputStream(socket.getInputStream()).readNBytes(4)).containsExactly(0x20, 2, 0, 0);
        return socket;
    }

    /** PINGREQ, and PINGRESP back: the connection is still open. */
    static void assertPingAnswered(Socket socket) throws IOException {
        socket.getOutputStream().write(new byte[] {(byte) 0xC0, 0});
        assertThat(new DataInputStream(socket.getInputStream()).readNBytes(2)).containsExactly(0xD0, 0);
    }

    /** An MQTT 3.1.1 client that subscribes to a filter with '#' in the middle: refused with SUBACK 0x80. */
    static void subscribeToAnInvalidFilter(int port, String clientId) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            byte[] id = clientId.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.io.ByteArrayOutputStream connect = new java.io.ByteArrayOutputStream();
            connect.writeBytes(new byte[] {0x10, (byte) (12 + id.length), 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60,
                0, (byte) id.length});
            connect.writeBytes(id);
            out.write(connect.toByteArray());
            // SUBSCRIBE packet id 1, filter "a/#/b" QoS 0
            out.write(new byte[] {(byte) 0x82, 10, 0, 1, 0, 5, 'a', '/', '#', '/', 'b', 0});
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] connack = in.readNBytes(4);
            assertThat(connack).containsExactly(0x20, 2, 0, 0);
            byte[] suback = in.readNBytes(5);
            assertThat(suback).containsExactly(0x90, 3, 0, 1, 0x80);
        }
    }
}
