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

    private static double deliveredPerSecond(String summary) {
        String marker = "delivered ";
        int i = summary.indexOf(marker) + marker.length();
        return Double.parseDouble(summary.substring(i, summary.indexOf(' ', i)).replace(",", ""));
    }
}
