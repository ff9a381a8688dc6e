package dev.tern.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.cli.client.ClientRun.Result;
import dev.tern.server.Tern;
import dev.tern.server.config.AuthConfig;
import dev.tern.server.config.BrokerConfig;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** tern pub and tern sub as a pair, in-process, against the embedded broker. */
class PubSubCommandTest {
    private static Tern tern;
    private static String port;

    @BeforeAll
    static void start() {
        tern = Tern.builder().port(0).build();
        port = String.valueOf(tern.start());
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    @Test
    void subReceivesWhatPubSends() {
        ClientRun sub = ClientRun.subscribed("sub", "-p", port, "-t", "pair/a", "-C", "1", "-v");
        Result pub = ClientRun.run("pub", "-p", port, "-t", "pair/a", "-m", "hi");
        assertThat(pub.exitCode()).as(pub.err()).isZero();
        Result got = sub.await();
        assertThat(got.exitCode()).as(got.err()).isZero();
        assertThat(got.out()).isEqualTo("pair/a hi\n");
    }

    @ParameterizedTest(name = "pub QoS {0} to a QoS {1} subscription arrives at QoS {2} (MQTT {3})")
    @CsvSource({"0,2,0,311", "1,2,1,311", "2,2,2,311", "2,1,1,311", "1,0,0,311", "0,2,0,5", "1,2,1,5", "2,2,2,5",
        "2,2,2,31"})
    void everyQos(int pubQos, int subQos, int expected, String version) {
        String topic = "qos/" + pubQos + subQos + version;
        ClientRun sub = ClientRun.subscribed("sub", "-p", port, "-V", version, "-t", topic, "-q", "" + subQos,
                "-C", "1", "-F", "%q %t %p");
        Result pub = ClientRun.run("pub", "-p", port, "-V", version, "-t", topic, "-q", "" + pubQos, "-m", "m");
        assertThat(pub.exitCode()).as(pub.err()).isZero();
        assertThat(sub.await().out()).isEqualTo(expected + " " + topic + " m\n");
    }

    @Test
    void debugPrintsEachPacketOfTheQos2FlowOnStandardError() {
        Result pub = ClientRun.run("pub", "-p", port, "-t", "debug/q2", "-q", "2", "-m", "x", "-d", "-i", "dbg");
        assertThat(pub.exitCode()).isZero();
        assertThat(pub.out()).isEmpty();
        assertThat(pub.err()).containsSubsequence(
                "Client dbg sending CONNECT",
                "Client dbg received CONNACK (0)",
                "Client dbg sending PUBLISH (d0, q2, r0, m1, 'debug/q2', ... (1 bytes))",
                "Client dbg received PUBREC (Mid: 1)",
                "Client dbg sending PUBREL (m1)",
                "Client dbg received PUBCOMP (Mid: 1, RC:0)",
                "Client dbg sending DISCONNECT");
    }

    @Test
    void retainedMessagesAreMarkedAndMinusRSkipsThem() {
        assertThat(ClientRun.run("pub", "-p", port, "-t", "ret/a", "-m", "kept", "-r", "-q", "1").exitCode())
                .isZero();
        Result sub = ClientRun.run("sub", "-p", port, "-t", "ret/a", "-C", "1", "-F", "%r %p");
        assertThat(sub.out()).isEqualTo("1 kept\n");

        Result stale = ClientRun.run("sub", "-p", port, "-t", "ret/a", "-R", "-W", "1");
        assertThat(stale.exitCode()).isEqualTo(27);
        assertThat(stale.out()).isEmpty();

        // -r with an empty message clears it
        assertThat(ClientRun.run("pub", "-p", port, "-t", "ret/a", "-n", "-r").exitCode()).isZero();
        assertThat(ClientRun.run("sub", "-p", port, "-t", "ret/a", "-W", "1").out()).isEmpty();
    }

    @Test
    void minusLSendsOneMessagePerLine() {
        ClientRun sub = ClientRun.subscribed("sub", "-p", port, "-t", "lines", "-C", "4", "-v", "-q", "1");
        Result pub = ClientRun.runWithStdin("one\n\ntwo\nthree", "pub", "-p", port, "-t", "lines", "-l", "-q", "1");
        assertThat(pub.exitCode()).as(pub.err()).isZero();
        assertThat(sub.await().out()).isEqualTo("lines one\nlines (null)\nlines two\nlines three\n");
    }

    @Test
    void minusLStreamsManyLinesAtQos2() {
        StringBuilder input = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            input.append("line ").append(i).append('\n');
            expected.append("line ").append(i).append('\n');
        }
        ClientRun sub = ClientRun.subscribed("sub", "-p", port, "-t", "many", "-C", "300", "-q", "2");
        Result pub = ClientRun.runWithStdin(input.toString(), "pub", "-p", port, "-t", "many", "-l", "-q", "2");
        assertThat(pub.exitCode()).as(pub.err()).isZero();
        assertThat(sub.await().out()).isEqualTo(expected.toString());
    }

    @Test
    void minusSSendsAllOfStandardInputAsOneMessage() {
        ClientRun sub = ClientRun.subscribed("sub", "-p", port, "-t", "stdin", "-C", "1", "-F", "%l:%p", "-N");
        Result pub = ClientRun.runWithStdin("a\nb\n", "pub", "-p", port, "-t", "stdin", "-s");
        assertThat(pub.exitCode()).isZero();
        assertThat(sub.await().out()).isEqualTo("4:a\nb\n");
    }

    @Test
    void minusFSendsAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("payload.bin");
        Files.write(file, new byte[] {0, 1, (byte) 0xFE, 'z'});
        ClientRun sub = ClientRun.subscribed("sub", "-p", port, "-t", "file", "-C", "1", "-F", "%l %x %X");
        Result pub = ClientRun.run("pub", "-p", port, "-t", "file", "-f", file.toString());
        assertThat(pub.exitCode()).isZero();
        assertThat(sub.await().out()).isEqualTo("4 0001fe7a 0001FE7A\n");

        Result missing = ClientRun.run("pub", "-p", port, "-t", "file", "-f", dir.resolve("nope").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("Error: Unable to read file");
    }

    @Test
    void minusNSendsAnEmptyMessage() {
        ClientRun sub = ClientRun.subscribed("sub", "-p", port, "-t", "null", "-C", "1", "-F", "[%l][%p]");
        assertThat(ClientRun.run("pub", "-p", port, "-t", "null", "-n").exitCode()).isZero();
        assertThat(sub.await().out()).isEqualTo("[0][]\n");
    }

    @Test
    void mqtt5PropertiesReachTheSubscriber() {
        ClientRun sub = ClientRun.subscribed("sub", "-p", port, "-V", "5", "-t", "props/#", "-C", "1",
                "-D", "subscribe", "subscription-identifier", "42",
                "-F", "%t|%p|C=%C|D=%D|R=%R|E=%E|F=%F|P=%P|S=%S");
        Result pub = ClientRun.run("pub", "-p", port, "-V", "mqttv5", "-t", "props/x", "-m", "body",
                "-D", "connect", "session-expiry-interval", "0",
                "-D", "publish", "content-type", "text/plain",
                "-D", "publish", "correlation-data", "req-1",
                "-D", "publish", "response-topic", "replies/x",
                "-D", "publish", "message-expiry-interval", "3600",
                "-D", "publish", "payload-format-indicator", "1",
                "-D", "publish", "user-property", "k1", "v1",
                "-D", "publish", "user-property", "k2", "v2");
        assertThat(pub.exitCode()).as(pub.err()).isZero();
        String line = sub.await().out();
        assertThat(line).startsWith("props/x|body|C=text/plain|D=req-1|R=replies/x|E=")
                .endsWith("|F=1|P=k1:v1 k2:v2|S=42\n");
        long expiry = Long.parseLong(line.substring(line.indexOf("E=") + 2, line.indexOf("|F=")));
        assertThat(expiry).isBetween(3590L, 3600L);
    }

    @Test
    void jsonFormat() {
        ClientRun sub = ClientRun.subscribed("sub", "-p", port, "-t", "json", "-C", "1", "-F", "%j");
        assertThat(ClientRun.run("pub", "-p", port, "-t", "json", "-m", "say \"hi\"", "-q", "1").exitCode())
                .isZero();
        assertThat(sub.await().out()).matches("\\{\"tst\":\"[-0-9T:.+]+\",\"topic\":\"json\",\"qos\":0,\"retain\":0,"
                + "\"payloadlen\":8,\"payload\":\"say \\\\\"hi\\\\\"\"}\n");
    }

    @Test
    void countStopsAfterNMessagesAndSeveralTopicsAreSubscribed() {
        ClientRun sub = ClientRun.subscribed("sub", "-p", port, "-t", "multi/a", "-t", "multi/b", "-C", "2", "-v",
                "-T", "multi/skip");
        ClientRun.run("pub", "-p", port, "-t", "multi/a", "-m", "1");
        ClientRun.run("pub", "-p", port, "-t", "multi/b", "-m", "2");
        ClientRun.run("pub", "-p", port, "-t", "multi/a", "-m", "3");
        Result got = sub.await();
        assertThat(got.exitCode()).isZero();
        assertThat(got.out()).isEqualTo("multi/a 1\nmulti/b 2\n");
        assertThat(got.err()).contains("sending SUBSCRIBE (Mid: 1, Topic: multi/a", "Topic: multi/b",
                "Subscribed (mid: 1): 0, 0");
    }

    @Test
    void minusTFiltersTopicsOut() {
        ClientRun sub = ClientRun.subscribed("sub", "-p", port, "-t", "filt/#", "-T", "filt/noise/+", "-C", "1",
                "-v");
        ClientRun.run("pub", "-p", port, "-t", "filt/noise/1", "-m", "no");
        ClientRun.run("pub", "-p", port, "-t", "filt/signal", "-m", "yes");
        assertThat(sub.await().out()).isEqualTo("filt/signal yes\n");
    }

    @Test
    void timeoutExitsWith27() {
        Result r = ClientRun.run("sub", "-p", port, "-t", "silence", "-W", "1");
        assertThat(r.exitCode()).isEqualTo(27);
        assertThat(r.err()).contains("Timed out");
    }

    @Test
    void minusEExitsOnceSubscribed() {
        Result r = ClientRun.run("sub", "-p", port, "-t", "e/1", "-t", "e/2", "-E", "-d", "-i", "subE");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).contains("Client subE received SUBACK", "Client subE sending DISCONNECT");
    }

    @Test
    void repeatPublishesSeveralTimes() {
        ClientRun sub = ClientRun.subscribed("sub", "-p", port, "-t", "rep", "-C", "3");
        Result pub = ClientRun.run("pub", "-p", port, "-t", "rep", "-m", "again", "--repeat", "3",
                "--repeat-delay", "0.05", "-q", "1");
        assertThat(pub.exitCode()).isZero();
        assertThat(sub.await().out()).isEqualTo("again\nagain\nagain\n");
    }

    @Test
    void urlGivesHostPortAndTopic() {
        ClientRun sub = ClientRun.subscribed("sub", "-L", "mqtt://127.0.0.1:" + port + "/url/t", "-C", "1", "-v");
        Result pub = ClientRun.run("pub", "-L", "mqtt://someone:secret@127.0.0.1:" + port + "/url/t", "-m", "via url");
        assertThat(pub.exitCode()).as(pub.err()).isZero();
        assertThat(sub.await().out()).isEqualTo("url/t via url\n");
    }

    @Test
    void willIsPublishedWhenTheConnectionIsLost() throws Exception {
        ClientRun willSub = ClientRun.subscribed("sub", "-p", port, "-t", "will/t", "-C", "1", "-F", "%t %p %r");
        ClientSettings settings = ConnectionOptionsTest.resolve("pub", "-p", port, "-t", "x", "-m", "x",
                "--will-topic", "will/t", "--will-payload", "gone", "--will-qos", "1").settings();
        MqttClient client = new MqttClient(settings, PacketLog.off());
        client.connect(java.time.Duration.ofSeconds(10));
        client.close(); // no DISCONNECT: the broker publishes the will
        assertThat(willSub.await().out()).isEqualTo("will/t gone 0\n");
    }

    @Test
    void refusedConnectionIsExplained() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Result pub = ClientRun.run("pub", "-p", "" + closed, "-t", "a", "-m", "x");
        assertThat(pub.exitCode()).isEqualTo(1);
        assertThat(pub.err()).contains("connection refused at 127.0.0.1:" + closed + ": is the broker running?");
        Result sub = ClientRun.run("sub", "-p", "" + closed, "-t", "a");
        assertThat(sub.exitCode()).isEqualTo(1);
        assertThat(sub.err()).contains("connection refused at 127.0.0.1:" + closed);
    }

    @Test
    void refusedConnackExitsWithItsReasonCode() {
        try (Tern closedBroker = Tern.builder().config(BrokerConfig.defaults().withAuth(new AuthConfig(false)))
                .port(0).build()) {
            String p = String.valueOf(closedBroker.start());
            Result v3 = ClientRun.run("pub", "-p", p, "-t", "a", "-m", "x");
            assertThat(v3.exitCode()).isEqualTo(5);
            assertThat(v3.err()).contains("Connection error: Connection Refused: not authorised.");

            Result v5 = ClientRun.run("sub", "-p", p, "-t", "a", "-V", "5");
            assertThat(v5.exitCode()).isEqualTo(135);
            assertThat(v5.err()).contains("Connection error: Not authorized");

            Result quiet = ClientRun.run("sub", "-p", p, "-t", "a", "--quiet");
            assertThat(quiet.exitCode()).isEqualTo(5);
            assertThat(quiet.err()).isEmpty();
        }
    }

    @Test
    void wrongOptionsExitWith1AndPointToHelp() {
        Result noMessage = ClientRun.run("pub", "-t", "a");
        assertThat(noMessage.exitCode()).isEqualTo(1);
        assertThat(noMessage.err()).contains("Both topic and message must be supplied",
                "Use 'tern pub --help' to see usage.");

        Result two = ClientRun.run("pub", "-t", "a", "-m", "x", "-n");
        assertThat(two.exitCode()).isEqualTo(1);
        assertThat(two.err()).contains("Only one type of message");

        Result wildcard = ClientRun.run("pub", "-t", "a/#", "-m", "x");
        assertThat(wildcard.err()).contains("Invalid publish topic 'a/#'");

        Result noTopic = ClientRun.run("sub", "-p", port);
        assertThat(noTopic.exitCode()).isEqualTo(1);
        assertThat(noTopic.err()).contains("You must specify a topic", "Use 'tern sub --help'");

        Result badFilter = ClientRun.run("sub", "-t", "a/#/b");
        assertThat(badFilter.err()).contains("Invalid subscription topic 'a/#/b'");

        Result unknown = ClientRun.run("sub", "-t", "a", "--frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(1);

        Result v3props = ClientRun.run("pub", "-t", "a", "-m", "x", "-D", "publish", "content-type", "t");
        assertThat(v3props.err()).contains("-D properties need MQTT 5");

        Result badVersion = ClientRun.run("pub", "-t", "a", "-m", "x", "-V", "4");
        assertThat(badVersion.err()).contains("Invalid protocol version '4'");
    }

    @Test
    void helpListsTheMosquittoFlags() {
        Result pub = ClientRun.run("pub", "--help");
        assertThat(pub.exitCode()).isZero();
        assertThat(pub.out()).contains("-h, --host", "-p, --port", "-t, --topic", "-m, --message", "-f, --file",
                "-s, --stdin-file", "-l, --stdin-line", "-n, --null-message", "-q, --qos", "-r, --retain",
                "-u, --username", "-P, --pw", "-i, --id", "-k, --keepalive", "-V, --protocol-version", "-d, --debug",
                "-D, --property", "-L, --url", "--will-topic", "--cafile", "--cert", "--key", "--insecure",
                "--repeat");
        Result sub = ClientRun.run("sub", "--help");
        assertThat(sub.out()).contains("-C, --count", "-W, --timeout", "-v, --verbose", "-F=FORMAT", "-R", "-E",
                "-N", "%t topic", "%% a percent sign");
    }
}
