package dev.tern.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.tern.cli.log.LogSetup;
import dev.tern.server.Tern;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.ConfigDocument;
import dev.tern.server.config.ListenerConfig;
import dev.tern.server.config.StorageConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

class BrokerCommandTest {
    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        Path f = dir.resolve("tern.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private static ConfigDocument resolve(String... args) {
        BrokerCommand cmd = new BrokerCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.resolve();
    }

    @Test
    void environmentOverridesTheFileAndOptionsOverrideTheEnvironment() throws IOException {
        Path f = file("mqtt:\n  max-keepalive: 600\n");
        BrokerCommand cmd = new BrokerCommand();
        cmd.environment = java.util.Map.of("TERN_MQTT_MAX_KEEPALIVE", "30", "TERN_LISTENERS_0_BIND", "0.0.0.0:2883");
        new CommandLine(cmd).parseArgs("-c", f.toString(), "-p", "3883");
        BrokerConfig c = cmd.resolve().broker();
        assertThat(c.mqtt().maxKeepAlive()).isEqualTo(30);
        assertThat(c.listeners().get(0).host()).isEqualTo("0.0.0.0");
        assertThat(c.listeners().get(0).port()).as("-p wins over the environment").isEqualTo(3883);
    }

    @Test
    void helpDescribesEveryOption() {
        CliRun run = CliRun.of("broker", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("-p, --port=PORT", "--bind=HOST", "-c, --config=FILE", "--check-config",
                "--in-memory", "--data=DIR", "-v, --verbose", "--log-format=text|json", "-h, --help", "-V, --version");
        // every option has a description
        CommandLine cl = new CommandLine(new BrokerCommand());
        assertThat(cl.getCommandSpec().options()).allSatisfy(o -> assertThat(o.description()).isNotEmpty());
        assertThat(cl.getCommandSpec().options()).hasSize(10);
    }

    @Test
    void defaultsWithoutFile() {
        BrokerConfig c = resolve().broker();
        // tern broker serves the admin HTTP listener on loopback and stores durably by default; the embedded
        // defaults do neither
        assertThat(c).isEqualTo(BrokerConfig.defaults().withHttp(dev.tern.server.config.HttpConfig.defaults())
                .withStorage(StorageConfig.durable()));
        assertThat(c.listeners()).containsExactly(ListenerConfig.tcp("127.0.0.1", 1883));
    }

    @Test
    void portAndBindOverrideTheDefaults() {
        assertThat(resolve("-p", "1999", "--bind", "0.0.0.0").broker().listeners())
                .containsExactly(ListenerConfig.tcp("0.0.0.0", 1999));
        assertThat(resolve("--port=0").broker().listeners()).containsExactly(ListenerConfig.tcp("127.0.0.1", 0));
        assertThat(resolve("--bind", "[::1]").broker().listeners()).containsExactly(ListenerConfig.tcp("::1", 1883));
        assertThat(resolve("--bind", "::").broker().listeners()).containsExactly(ListenerConfig.tcp("::", 1883));
    }

    @Test
    void optionsOverrideTheFilesFirstListenerOnly() throws IOException {
        Path f = file("""
                listeners:
                  - bind: 0.0.0.0:1883
                    allow-anonymous: false
                  - bind: 0.0.0.0:1884
                """);
        assertThat(resolve("-c", f.toString()).broker().listeners()).containsExactly(
                new ListenerConfig("tcp", "0.0.0.0", 1883, false), ListenerConfig.tcp("0.0.0.0", 1884));
        assertThat(resolve("-c", f.toString(), "-p", "2883").broker().listeners()).containsExactly(
                new ListenerConfig("tcp", "0.0.0.0", 2883, false), ListenerConfig.tcp("0.0.0.0", 1884));
        assertThat(resolve("-c", f.toString(), "--bind", "127.0.0.1").broker().listeners()).containsExactly(
                new ListenerConfig("tcp", "127.0.0.1", 1883, false), ListenerConfig.tcp("0.0.0.0", 1884));
    }

    @Test
    void fileWithoutListenersGetsTheDefaultListener() throws IOException {
        Path f = file("mqtt:\n  receive-maximum: 10\n");
        BrokerConfig c = resolve("--config", f.toString()).broker();
        assertThat(c.listeners()).containsExactly(ListenerConfig.tcp("127.0.0.1", 1883));
        assertThat(c.mqtt().receiveMaximum()).isEqualTo(10);
    }

    @Test
    void dataAndInMemory() throws IOException {
        assertThat(resolve().broker().storage()).as("tern broker is durable by default")
                .isEqualTo(new StorageConfig("rocksdb", Path.of("data"), "always"));
        assertThat(resolve("--data", "/tmp/tern-data").broker().storage())
                .isEqualTo(new StorageConfig("rocksdb", Path.of("/tmp/tern-data"), "always"));
        assertThat(resolve("--in-memory").broker().storage()).isEqualTo(StorageConfig.defaults());
        Path f = file("storage:\n  dir: /srv/tern\n  sync: none\n");
        assertThat(resolve("-c", f.toString(), "--data", "d2", "--in-memory").broker().storage())
                .isEqualTo(new StorageConfig("memory", Path.of("d2"), "none"));
    }

    @Test
    void checkConfigValidFile() throws IOException {
        Path f = file("listeners:\n  - bind: 0.0.0.0:1883\nhttp:\n  bind: 127.0.0.1:8080\n");
        CliRun run = CliRun.of("broker", "-c", f.toString(), "--check-config");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith(f + ": configuration OK: listeners tcp 0.0.0.0:1883, storage rocksdb at "
                + Path.of("data").toAbsolutePath() + " (sync always)")
                .doesNotContain("not served yet");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void checkConfigWithoutFileChecksTheOptions() {
        CliRun run = CliRun.of("broker", "--check-config", "-p", "0", "--in-memory");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("configuration OK: listeners tcp 127.0.0.1:0, storage memory"
                + System.lineSeparator());
    }

    @Test
    void checkConfigInvalidFilePrintsOnlyTheMessage() throws IOException {
        Path f = file("mqtt:\n  max-keepalve: 60\n");
        CliRun run = CliRun.of("broker", "-c", f.toString(), "--check-config");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith(f + ":2: unknown key 'mqtt.max-keepalve' (allowed: max-keepalive")
                .doesNotContain("Exception", "\tat ");
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void invalidFileWithoutCheckConfigAlsoExits2() throws IOException {
        Path f = file("listeners:\n  - type: tls\n    bind: 0.0.0.0:8883\n");
        CliRun run = CliRun.of("broker", "-c", f.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo(f + ":2: listeners[0]: a tls listener needs a 'tls' section with at least "
                + "'cert' and 'key' (PEM files)" + System.lineSeparator());
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("absent.yaml");
        CliRun run = CliRun.of("broker", "-c", f.toString(), "--check-config");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo(f + ": no such file");
    }

    @Test
    void badPortAndBind() {
        CliRun port = CliRun.of("broker", "-p", "70000", "--check-config");
        assertThat(port.exitCode()).isEqualTo(2);
        assertThat(port.err().strip()).isEqualTo("--port: expected a port 0..65535, got 70000");

        CliRun notANumber = CliRun.of("broker", "-p", "abc");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.err()).contains("Invalid value for option '--port': 'abc' is not an int");

        CliRun bind = CliRun.of("broker", "--bind", "not an address", "--check-config");
        assertThat(bind.exitCode()).isEqualTo(2);
        assertThat(bind.err().strip()).isEqualTo("--bind: expected a host name or IP address (e.g. 0.0.0.0, ::1), "
                + "got 'not an address'");
    }

    @Test
    void unknownOption() {
        CliRun run = CliRun.of("broker", "--daemon");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--daemon'");
    }

    @Test
    void startsOnPortZeroAndReportsTheBoundPort() throws IOException {
        BrokerConfig c = resolve("-p", "0", "--in-memory").broker();
        try (Tern tern = BrokerCommand.start(c)) {
            int port = tern.port();
            assertThat(port).isPositive();
            assertThat(BrokerCommand.readyLine(tern)).isEqualTo("Tern " + TernCommand.version()
                    + " ready: listeners tcp 127.0.0.1:" + port + ", storage memory");
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                assertThat(s.isConnected()).isTrue();
            }
        }
    }

    @Test
    void dataFolderInUseByAnotherBrokerIsRefusedClearly(@org.junit.jupiter.api.io.TempDir Path dir) {
        BrokerConfig c = resolve("-p", "0", "--data", dir.toString()).broker();
        try (Tern first = BrokerCommand.start(c)) {
            assertThat(first.port()).isPositive();
            CliRun second = CliRun.of("broker", "-p", "0", "--data", dir.toString());
            assertThat(second.exitCode()).isEqualTo(1);
            assertThat(second.err().strip()).startsWith("storage.dir " + dir.toAbsolutePath() + ": ")
                    .contains("in use", "Stop that broker first, or give this one another data folder");
        }
    }

    @Test
    void portInUseExits1WithAClearMessage() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            CliRun run = CliRun.of("broker", "-p", String.valueOf(port), "--in-memory");
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().strip()).isEqualTo("cannot listen on 127.0.0.1:" + port
                    + ": address already in use (is another broker running?)");
        }
    }

    @Test
    void bindFailureNamesTheListenerThatFailed() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            List<ListenerConfig> listeners = List.of(ListenerConfig.tcp("127.0.0.1", 0),
                    ListenerConfig.tcp("127.0.0.1", port));
            String message = BrokerCommand.bindFailure(
                    new IllegalStateException("start failed", new java.net.BindException("Address already in use")),
                    listeners);
            assertThat(message).isEqualTo("cannot listen on 127.0.0.1:" + port
                    + ": address already in use (is another broker running?)");
        }
        assertThat(BrokerCommand.bindFailure(new IllegalStateException("other"), List.of())).isNull();
    }

    @Test
    void verboseTurnsOnDebugForTern() {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.tern");
        BrokerCommand command = new BrokerCommand();
        command.verbose = true;
        command.environment = java.util.Map.of();
        try {
            assertThat(LogSetup.apply(command.resolve().broker().log())).isEmpty();
            assertThat(logger.getEffectiveLevel()).isEqualTo(Level.DEBUG);
            assertThat(((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.netty")).getEffectiveLevel())
                    .isEqualTo(Level.WARN);
        } finally {
            LogSetup.apply(dev.tern.server.config.LogConfig.defaults());
        }
        assertThat(logger.getLevel()).as("back to what logback.xml says").isNull();
    }

    @Test
    void logFormatOptionIsCheckedAndOverridesTheFile() {
        BrokerCommand command = new BrokerCommand();
        command.environment = java.util.Map.of("TERN_LOG_FORMAT", "text");
        command.logFormat = "JSON";
        assertThat(command.resolve().broker().log().format()).isEqualTo(dev.tern.server.config.LogConfig.Format.JSON);
        command.logFormat = "xml";
        assertThatThrownBy(command::resolve).hasMessage("--log-format: expected text or json, got 'xml'");
    }
}
