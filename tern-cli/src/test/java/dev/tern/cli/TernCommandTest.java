package dev.tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TernCommandTest {
    @Test
    void helpListsTheCommands() {
        CliRun run = CliRun.of("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: tern", "broker", "Run the MQTT broker.", "--help", "--version");
    }

    @Test
    void version() {
        CliRun run = CliRun.of("--version");
        assertThat(run.exitCode()).isZero();
        // "dev" when run from classes; the jar's manifest carries the project version
        assertThat(run.out()).startsWith("tern " + TernCommand.version()).contains("Java ");
    }

    @Test
    void noCommandIsAUsageError() {
        CliRun run = CliRun.of();
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("missing command", "Usage: tern");
    }

    @Test
    void unknownCommandIsAUsageError() {
        CliRun run = CliRun.of("frobnicate");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unmatched argument", "frobnicate");
    }

    @Test
    void helpCommand() {
        CliRun run = CliRun.of("help", "broker");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: tern broker");
    }
}
