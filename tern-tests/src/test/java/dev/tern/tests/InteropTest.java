package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tern.server.Tern;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ClientKind;
import dev.tern.tests.support.Msg;
import dev.tern.tests.support.TestClient;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interoperability with the command-line tools people use: mosquitto_pub/mosquitto_sub and python paho-mqtt
 * (the product brief's two snippets). Skipped, with the reason printed, when a tool is not installed.
 */
class InteropTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static TernExtension broker = new TernExtension();

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ process helpers

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** A running process whose stdout and stderr lines are collected by a reader thread. */
    private static final class Proc implements AutoCloseable {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> all = new ArrayList<>();
        final Thread reader;

        Proc(List<String> command) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("PYTHONUNBUFFERED", "1");
            pb.environment().put("PYTHONIOENCODING", "utf-8");
            process = pb.start();
            reader = new Thread(() -> read(process.getInputStream()), "proc-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read(InputStream in) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (all) {
                        all.add(line);
                    }
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        }

        /** Waits for a line that is exactly {@code text} (trailing blanks aside); false on timeout. */
        boolean awaitLine(String text, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                String line = lines.poll(left, TimeUnit.NANOSECONDS);
                if (line != null && line.strip().equals(text)) {
                    return true;
                }
            }
        }

        String output() {
            synchronized (all) {
                return String.join("\n", all);
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(3, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs a command to completion within {@link #WAIT}; returns its exit code, output in {@code out}. */
    private static int run(List<String> command, StringBuilder out) throws Exception {
        try (Proc p = new Proc(command)) {
            boolean done = p.process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            p.reader.join(2000); // the output is complete once the reader saw the end of the stream
            out.append(p.output());
            assertThat(done).as("%s finished within %s; output: %s", command, WAIT, p.output()).isTrue();
            return p.process.exitValue();
        }
    }

    // ------------------------------------------------------------------ mosquitto

    /**
     * Runs {@code publish} until {@code sub} prints a line containing {@code expected} (at most 10 tries, 1 s
     * apart): a subscriber tool gives no unbuffered sign that its SUBSCRIBE is done.
     */
    private static boolean publishUntilPrinted(Proc sub, String expected, List<String> publish) throws Exception {
        for (int attempt = 0; attempt < 10; attempt++) {
            StringBuilder out = new StringBuilder();
            int code = run(publish, out);
            assertThat(code).as("%s exit code; output: %s", publish.get(0), out).isZero();
            if (sub.awaitLine(expected, Duration.ofSeconds(1))) {
                return true;
            }
            assertThat(sub.process.isAlive()).as("subscriber still running; output: %s", sub.output()).isTrue();
        }
        return false;
    }

    @ParameterizedTest(name = "-V {0}")
    @ValueSource(strings = {"mqttv311", "mqttv5"})
    @DisplayName("mosquitto_sub -t '#' -v receives mosquitto_pub -t a -m hi")
    void mosquittoPubSub(String version) throws Exception {
        assumeTrue(onPath("mosquitto_sub") && onPath("mosquitto_pub"),
                "mosquitto_sub/mosquitto_pub not installed (apt-get install mosquitto-clients)");
        String port = Integer.toString(broker.port());
        try (Proc sub = new Proc(List.of("mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-V", version,
                "-t", "#", "-v", "-i", "interop-sub-" + version))) {
            boolean printed = publishUntilPrinted(sub, "a hi", List.of("mosquitto_pub", "-h", "127.0.0.1",
                    "-p", port, "-V", version, "-t", "a", "-m", "hi"));
            assertThat(printed).as("'a hi' printed; output: %s", sub.output()).isTrue();
        }
    }

    @Test
    @DisplayName("mosquitto_pub -q 1 -r (retained) then a Paho subscriber gets it; HiveMQ publishes QoS 2 to "
            + "mosquitto_sub -q 2")
    void mosquittoWithJavaClients() throws Exception {
        assumeTrue(onPath("mosquitto_sub") && onPath("mosquitto_pub"),
                "mosquitto_sub/mosquitto_pub not installed (apt-get install mosquitto-clients)");
        String port = Integer.toString(broker.port());
        StringBuilder out = new StringBuilder();
        assertThat(run(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-q", "1", "-r",
                "-t", "interop/retained", "-m", "kept"), out)).as(out.toString()).isZero();
        try (TestClient paho = ClientKind.PAHO_V3.connected(broker.port(), "interop-paho")) {
            paho.subscribe("interop/retained", 1);
            Msg m = paho.awaitMessage();
            assertThat(m.text()).isEqualTo("kept");
            assertThat(m.retain()).isTrue();
        }
        try (Proc sub = new Proc(List.of("mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-q", "2",
                "-t", "interop/q2", "-v"));
             TestClient pub = ClientKind.HIVEMQ_V5.connected(broker.port(), "interop-hive")) {
            boolean printed = false;
            for (int attempt = 0; attempt < 10 && !printed; attempt++) {
                pub.publish("interop/q2", "exactly once", 2, false);
                printed = sub.awaitLine("interop/q2 exactly once", Duration.ofSeconds(1));
            }
            assertThat(printed).as(sub.output()).isTrue();
        }
    }

    // ------------------------------------------------------------------ python paho-mqtt

    /** A python3 that can import paho.mqtt, or null. */
    private static String pythonWithPaho() {
        for (String candidate : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import paho.mqtt.client")
                        .redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException | InterruptedException e) {
                // not this one
            }
        }
        return null;
    }

    /**
     * The snippet with the brief's host replaced by localhost, and its port 1883 kept when {@code port} is 1883
     * (the brief's snippets run unchanged but for the host) or replaced when 1883 was taken on this machine.
     */
    private String snippet(String name, int port) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/interop/" + name)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String changed = text.replace("\"mqtt.example.com\", 1883", "\"localhost\", " + port);
            assertThat(changed).as("the snippet names the brief's host and port").isNotEqualTo(text);
            return changed;
        }
    }

    /** A broker on the brief's port 1883 when it is free here, else null (the test then uses its own port). */
    private static Tern brokerOn1883() {
        Tern tern = Tern.builder().bind("127.0.0.1").port(1883).build();
        try {
            tern.start();
            return tern;
        } catch (RuntimeException e) {
            tern.close();
            System.out.println("InteropTest: port 1883 is taken here (" + e.getMessage()
                    + "); running the Python snippets against port " + broker.port() + " instead");
            return null;
        }
    }

    @Test
    @DisplayName("python paho-mqtt: the product brief's subscriber snippet prints 'Received: 25°C' "
            + "for the brief's publisher snippet")
    void pythonSnippets() throws Exception {
        String python = pythonWithPaho();
        assumeTrue(python != null,
                "python3 with paho-mqtt not installed (apt-get install python3-paho-mqtt)");
        Tern on1883 = brokerOn1883();
        int port = on1883 != null ? 1883 : broker.port();
        Path subscriber = tmp.resolve("subscriber.py");
        // the brief prints the import once, above the publisher; the subscriber snippet needs it too
        Files.writeString(subscriber, "import paho.mqtt.client as mqtt\n\n" + snippet("subscriber.py", port),
                StandardCharsets.UTF_8);
        Path publisher = tmp.resolve("publisher.py");
        Files.writeString(publisher, snippet("publisher.py", port), StandardCharsets.UTF_8);

        try (on1883; Proc sub = new Proc(List.of(python, subscriber.toString()))) {
            boolean received = false;
            // the subscriber gives no sign when its SUBSCRIBE is done: publish until it prints (bounded)
            for (int attempt = 0; attempt < 10 && !received; attempt++) {
                StringBuilder out = new StringBuilder();
                int code = run(List.of(python, publisher.toString()), out);
                assertThat(code).as(hint(out.toString())).isZero();
                received = sub.awaitLine("Received: 25°C", Duration.ofSeconds(1));
                assertThat(sub.process.isAlive()).as(hint(sub.output())).isTrue();
            }
            assertThat(received).as("subscriber printed 'Received: 25°C'; its output: %s", sub.output()).isTrue();
        }
    }

    private static String hint(String output) {
        if (output.contains("callback_api_version") || output.contains("CallbackAPIVersion")) {
            return "the installed paho-mqtt (2.x) needs mqtt.Client(mqtt.CallbackAPIVersion.VERSION1) instead of the "
                    + "brief's mqtt.Client(); output: " + output;
        }
        return "python output: " + output;
    }
}
