package dev.tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.bench.ReferenceServer;
import dev.tern.server.Tern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** tern bench against a real embedded broker: the CI smoke that keeps the tool working (correctness, not speed). */
class BenchCommandTest {
    private static Tern tern;
    private static int port;

    @BeforeAll
    static void start() {
        tern = Tern.builder().port(0).build();
        port = tern.start();
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    @Test
    void helpDescribesScenariosAndOptions() {
        CliRun run = CliRun.of("bench", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("fanin", "fanout", "pairs", "shared", "sink", "relay", "--qos", "--rate",
                "--inflight", "--duration", "--warmup", "--json");
    }

    @Test
    void unknownScenarioIsAUsageError() {
        CliRun run = CliRun.of("bench", "stampede");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("unknown scenario 'stampede'");
    }

    @Test
    void tooSmallPayloadIsAUsageError() {
        CliRun run = CliRun.of("bench", "fanin", "-s", "10");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("at least 20");
    }

    @Test
    void fanInAtQos1LosesNothing() {
        CliRun run = CliRun.of("bench", "fanin", "-p", String.valueOf(port), "-q", "1", "-d", "5s", "--quiet");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("fanin qos1 pubs=4 subs=1", "lost 0", "duplicates 0", "errors 0");
        assertThat(deliveredPerSecond(run.out())).isPositive();
    }

    @Test
    void sharedSubscriptionAtQos2LosesNothingAndDuplicatesNothing() {
        CliRun run = CliRun.of("bench", "shared", "-p", String.valueOf(port), "-q", "2", "-d", "5s", "--json");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("\"scenario\":\"shared\"", "\"lost\":0", "\"duplicates\":0");
    }

    @Test
    void connectionRefusedIsExplained() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        CliRun run = CliRun.of("bench", "pub", "-p", String.valueOf(closedPort), "-d", "1s", "--quiet");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("connection refused at 127.0.0.1:" + closedPort, "is the broker running?");
    }

    @Test
    void sinkServerAbsorbsAQos1Load() {
        try (ReferenceServer sink = new ReferenceServer(ReferenceServer.Mode.SINK, "127.0.0.1", 0, 1)) {
            CliRun run = CliRun.of("bench", "pub", "-p", String.valueOf(sink.port()), "-q", "1", "-d", "2s",
                    "--json");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains("\"scenario\":\"pub\"", "\"errors\":0");
        }
    }

    @Test
    void connSpreadsConnectionsOverTheSourceAddresses() throws Exception {
        try (ConnackServer server = new ConnackServer()) {
            CliRun run = CliRun.of("bench", "conn", "-p", String.valueOf(server.port()), "-c", "6",
                    "--connect-rate", "0", "-d", "0s", "--source-addresses", "127.0.0.2,127.0.0.3", "--json");
            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).contains("\"connected\":6", "\"errors\":0");
            assertThat(server.sourceAddresses()).containsExactlyInAnyOrder("127.0.0.2", "127.0.0.2", "127.0.0.2",
                    "127.0.0.3", "127.0.0.3", "127.0.0.3");
        }
    }

    @Test
    void sourceAddressThatIsNotAnAddressIsAUsageError() {
        CliRun run = CliRun.of("bench", "conn", "--source-addresses", "127.0.0.1,localhost");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--source-addresses: 'localhost' is not an IPv4 or IPv6 address");
    }

    @Test
    void sourceAddressThatCannotBeBoundIsNamed() throws Exception {
        try (ConnackServer server = new ConnackServer()) {
            // 192.0.2.1 (TEST-NET-1) is no address of this machine: binding to it fails before anything is sent
            CliRun run = CliRun.of("bench", "conn", "-p", String.valueOf(server.port()), "-c", "1", "-d", "0s",
                    "--source-addresses", "192.0.2.1");
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).contains("cannot connect to 127.0.0.1:" + server.port() + " from 192.0.2.1");
            assertThat(server.sourceAddresses()).isEmpty();
        }
    }

    @Test
    void qos0WindowKeepsPublishersGoing() {
        // a window of 10 that never reopened would stop the run at 40 messages
        CliRun run = CliRun.of("bench", "fanin", "-p", String.valueOf(port), "-q", "0", "--qos0-window", "10",
                "-d", "2s", "--json");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("\"errors\":0");
        String received = run.out().replaceAll("(?s).*\"received\":(\\d+).*", "$1");
        assertThat(Long.parseLong(received)).isGreaterThan(1000);
    }

    @Test
    void retainedMessagesWithATopicPerMessage() {
        int before = tern.inspector().retainedCount();
        CliRun run = CliRun.of("bench", "pub", "-p", String.valueOf(port), "--pubs", "2", "-n", "150", "-q", "1",
                "--retain", "-t", "retained-test/%i/%n", "-d", "30s", "--quiet");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("errors 0");
        assertThat(tern.inspector().retainedCount() - before).isEqualTo(300);
    }

    @Test
    void subscribersWithManyFiltersEach() throws Exception {
        // persistent sessions keep their subscriptions after the run, so the broker can be asked for them (by
        // client id: other tests' clients come and go on the same broker)
        CliRun run = CliRun.of("bench", "sub", "-p", String.valueOf(port), "--subs", "3", "--filters", "250",
                "--persistent", "-i", "filters-test", "-d", "0s");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("connected 0 publishers, 3 subscribers with 250 filters each");
        for (int i = 0; i < 3; i++) {
            String tenant = "tenant/" + i + "/";
            var session = tern.inspector().session("filters-test-sub-" + i)
                    .get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(session).isPresent();
            assertThat(session.get().subscriptions()).hasSize(250).allMatch(sub -> sub.filter().startsWith(tenant));
        }
    }

    private static double deliveredPerSecond(String summary) {
        String marker = "delivered ";
        int i = summary.indexOf(marker) + marker.length();
        return Double.parseDouble(summary.substring(i, summary.indexOf(' ', i)).replace(",", ""));
    }
}
