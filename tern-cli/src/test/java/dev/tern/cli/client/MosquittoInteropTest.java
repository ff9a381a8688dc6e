package dev.tern.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tern.cli.client.ClientRun.Result;
import dev.tern.server.Tern;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * tern pub/sub against Debian's mosquitto broker with the same flags as against Tern, and mosquitto_pub/sub
 * against Tern with tern pub/sub on the other end. Skipped, with the reason printed, when mosquitto is missing.
 */
class MosquittoInteropTest {
    @TempDir
    static Path dir;
    private static Mosquitto mosquitto;
    private static Mosquitto closedMosquitto;
    private static Tern tern;
    private static String mosquittoPort;
    private static String closedPort;
    private static String ternPort;

    @BeforeAll
    static void start() throws Exception {
        boolean present = Mosquitto.tool("mosquitto") != null && Mosquitto.tool("mosquitto_pub") != null
                && Mosquitto.tool("mosquitto_sub") != null;
        if (!present) {
            System.out.println("MosquittoInteropTest skipped: mosquitto, mosquitto_pub or mosquitto_sub is not "
                    + "installed (apt-get install mosquitto mosquitto-clients)");
        }
        assumeTrue(present, "mosquitto, mosquitto_pub and mosquitto_sub are needed");
        int p = Mosquitto.freePort();
        mosquitto = Mosquitto.start(dir, "listener " + p + " 127.0.0.1\nallow_anonymous true\n", p);
        mosquittoPort = String.valueOf(p);
        int c = Mosquitto.freePort();
        closedMosquitto = Mosquitto.start(dir, "listener " + c + " 127.0.0.1\nallow_anonymous false\n", c);
        closedPort = String.valueOf(c);
        tern = Tern.builder().port(0).build();
        ternPort = String.valueOf(tern.start());
    }

    @AfterAll
    static void stop() throws Exception {
        if (mosquitto != null) {
            mosquitto.close();
        }
        if (closedMosquitto != null) {
            closedMosquitto.close();
        }
        if (tern != null) {
            tern.close();
        }
    }

    private static String port(String broker) {
        return broker.equals("tern") ? ternPort : mosquittoPort;
    }

    // ---- the same flags against both brokers --------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tern", "mosquitto"})
    void pairAtEveryQos(String broker) {
        for (int qos = 0; qos <= 2; qos++) {
            String topic = "same/" + broker + "/" + qos;
            ClientRun sub = ClientRun.subscribed("sub", "-p", port(broker), "-t", topic, "-q", "2", "-C", "1",
                    "-F", "%q %t %p");
            Result pub = ClientRun.run("pub", "-p", port(broker), "-t", topic, "-q", "" + qos, "-m", "hi");
            assertThat(pub.exitCode()).as(pub.err()).isZero();
            assertThat(sub.await().out()).isEqualTo(qos + " " + topic + " hi\n");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tern", "mosquitto"})
    void retainedLinesAndNull(String broker) {
        String topic = "same/ret/" + broker;
        assertThat(ClientRun.run("pub", "-p", port(broker), "-t", topic, "-m", "r1", "-r", "-q", "1").exitCode())
                .isZero();
        assertThat(ClientRun.run("sub", "-p", port(broker), "-t", topic, "-C", "1", "-F", "%r %p").out())
                .isEqualTo("1 r1\n");
        assertThat(ClientRun.run("pub", "-p", port(broker), "-t", topic, "-n", "-r").exitCode()).isZero();

        ClientRun sub = ClientRun.subscribed("sub", "-p", port(broker), "-t", topic, "-C", "3", "-v");
        Result pub = ClientRun.runWithStdin("a\n\nb\n", "pub", "-p", port(broker), "-t", topic, "-l");
        assertThat(pub.exitCode()).isZero();
        assertThat(sub.await().out()).isEqualTo(topic + " a\n" + topic + " (null)\n" + topic + " b\n");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tern", "mosquitto"})
    void mqtt5Properties(String broker) {
        String topic = "same/v5/" + broker;
        ClientRun sub = ClientRun.subscribed("sub", "-p", port(broker), "-V", "5", "-t", topic, "-C", "1",
                "-D", "subscribe", "subscription-identifier", "9", "-F", "%p|%C|%D|%R|%F|%P|%S");
        Result pub = ClientRun.run("pub", "-p", port(broker), "-V", "5", "-t", topic, "-m", "v5",
                "-D", "publish", "content-type", "application/json", "-D", "publish", "correlation-data", "c1",
                "-D", "publish", "response-topic", "back", "-D", "publish", "payload-format-indicator", "1",
                "-D", "publish", "user-property", "a", "1", "-D", "publish", "message-expiry-interval", "60");
        assertThat(pub.exitCode()).as(pub.err()).isZero();
        assertThat(sub.await().out()).isEqualTo("v5|application/json|c1|back|1|a:1|9\n");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tern", "mosquitto"})
    void timeoutAndExitAfterSubscribe(String broker) {
        Result timedOut = ClientRun.run("sub", "-p", port(broker), "-t", "same/none", "-W", "1");
        assertThat(timedOut.exitCode()).isEqualTo(27);
        Result e = ClientRun.run("sub", "-p", port(broker), "-t", "same/e", "-E");
        assertThat(e.exitCode()).isZero();
    }

    @Test
    void connackRefusalFromMosquittoExitsWithTheReasonCode() throws Exception {
        Result v3 = ClientRun.run("pub", "-p", closedPort, "-t", "a", "-m", "x");
        assertThat(v3.exitCode()).isEqualTo(5);
        assertThat(v3.err()).contains("Connection error: Connection Refused: not authorised.");
        Result v5 = ClientRun.run("sub", "-p", closedPort, "-t", "a", "-V", "5");
        assertThat(v5.exitCode()).isEqualTo(135);
        assertThat(v5.err()).contains("Connection error: Not authorized");
        // mosquitto's own clients exit with the same codes
        assertThat(Mosquitto.run("mosquitto_pub", "-p", closedPort, "-t", "a", "-m", "x").exitCode()).isEqualTo(5);
        assertThat(Mosquitto.run("mosquitto_sub", "-p", closedPort, "-t", "a", "-V", "5").exitCode()).isEqualTo(135);
        assertThat(Mosquitto.run("mosquitto_sub", "-p", mosquittoPort, "-t", "a", "-W", "1").exitCode())
                .isEqualTo(27);
    }

    // ---- mosquitto's clients on the other end ---------------------------------------------------------------------

    @Test
    void mosquittoSubReceivesFromTernPubThroughTern() throws Exception {
        Background sub = Background.start("mosquitto_sub", "-p", ternPort, "-V", "5", "-t", "x/mq", "-C", "2", "-q",
                "2", "-d", "-F", "%t %q %p %C %P");
        sub.awaitLine("Subscribed (mid: 1)");
        assertThat(ClientRun.run("pub", "-p", ternPort, "-V", "5", "-t", "x/mq", "-q", "2", "-m", "from tern",
                "-D", "publish", "content-type", "text/plain", "-D", "publish", "user-property", "k", "v")
                .exitCode()).isZero();
        assertThat(ClientRun.run("pub", "-p", ternPort, "-t", "x/mq", "-q", "1", "-m", "second").exitCode())
                .isZero();
        assertThat(sub.await()).isZero();
        assertThat(sub.lines()).contains("x/mq 2 from tern text/plain k:v", "x/mq 1 second  ");
    }

    @Test
    void ternSubReceivesFromMosquittoPubThroughTern() throws Exception {
        ClientRun sub = ClientRun.subscribed("sub", "-p", ternPort, "-V", "5", "-t", "x/tern", "-C", "2", "-q", "2",
                "-F", "%t %q %p %C %P");
        assertThat(Mosquitto.run("mosquitto_pub", "-p", ternPort, "-V", "5", "-t", "x/tern", "-q", "2",
                "-m", "from mosquitto", "-D", "publish", "content-type", "text/plain",
                "-D", "publish", "user-property", "k", "v").exitCode()).isZero();
        assertThat(Mosquitto.run("mosquitto_pub", "-p", ternPort, "-t", "x/tern", "-q", "1", "-m", "second")
                .exitCode()).isZero();
        assertThat(sub.await().out()).isEqualTo("x/tern 2 from mosquitto text/plain k:v\nx/tern 1 second  \n");
    }

    @Test
    void ternSubPrintsWhatMosquittoSubPrints() throws Exception {
        String format = "%t|%p|%q|%r|%l|%x|%X|%C|%D|%R|%F|%P|[%5t][%-6p][%03l]|\\t|%%";
        Background mq = Background.start("mosquitto_sub", "-p", mosquittoPort, "-V", "5", "-t", "cmp/#", "-C", "2",
                "-q", "1", "-d", "-F", format);
        mq.awaitLine("Subscribed (mid: 1)");
        ClientRun ours = ClientRun.subscribed("sub", "-p", mosquittoPort, "-V", "5", "-t", "cmp/#", "-C", "2", "-q",
                "1", "-F", format);
        assertThat(Mosquitto.run("mosquitto_pub", "-p", mosquittoPort, "-V", "5", "-t", "cmp/a", "-q", "1", "-m",
                "payload one", "-D", "publish", "content-type", "ct", "-D", "publish", "correlation-data", "cd",
                "-D", "publish", "response-topic", "rt", "-D", "publish", "payload-format-indicator", "1",
                "-D", "publish", "user-property", "u", "v").exitCode()).isZero();
        assertThat(Mosquitto.run("mosquitto_pub", "-p", mosquittoPort, "-t", "cmp/b", "-n").exitCode()).isZero();
        assertThat(mq.await()).isZero();
        List<String> expected = mq.lines().stream().filter(l -> l.startsWith("cmp/")).toList();
        assertThat(expected).hasSize(2);
        assertThat(ours.await().out()).isEqualTo(String.join("\n", expected) + "\n");
    }

    /** A mosquitto client running in the background, its standard output collected line by line. */
    private static final class Background {
        private final Process process;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final Thread reader;

        private Background(Process process) {
            this.process = process;
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (Exception e) {
                    // process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        /** Starts {@code command} with line-buffered standard output (stdbuf), so lines arrive as printed. */
        static Background start(String... command) throws Exception {
            List<String> line = new java.util.ArrayList<>();
            if (Mosquitto.tool("stdbuf") != null) {
                line.addAll(List.of("stdbuf", "-oL"));
            }
            line.addAll(List.of(command));
            return new Background(new ProcessBuilder(line).redirectErrorStream(true).start());
        }

        void awaitLine(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (lines.stream().noneMatch(l -> l.contains(prefix))) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    process.destroyForcibly();
                    throw new AssertionError("no '" + prefix + "' from " + process.info().commandLine() + ": " + lines);
                }
                Thread.sleep(10);
            }
        }

        int await() throws InterruptedException {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("did not exit: " + lines);
            }
            reader.join(5_000); // the reader has the last lines once it saw the end of the output
            return process.exitValue();
        }

        List<String> lines() {
            return lines;
        }
    }
}
