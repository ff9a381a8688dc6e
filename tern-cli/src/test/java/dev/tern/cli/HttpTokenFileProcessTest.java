package dev.tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tern broker} with a data folder and no HTTP credentials configured: the dashboard and API are reachable
 * with the token it keeps in {@code <data>/http-token} (owner-only, the same across restarts), and with nothing
 * else; {@code tern ctl --token-file} uses it.
 */
class HttpTokenFileProcessTest {
    private static final Pattern HTTP_PORT = Pattern.compile("dashboard on http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    Path dir;

    private Path config() throws Exception {
        Path file = dir.resolve("tern.yaml");
        Files.writeString(file, """
                listeners:
                  - bind: 127.0.0.1:0
                storage:
                  dir: %s
                http:
                  bind: 127.0.0.1:0
                """.formatted(dir.resolve("data")));
        return file;
    }

    private static int status(int port, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/broker"));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int httpPort(BrokerProcess broker) {
        Matcher m = HTTP_PORT.matcher(broker.await("dashboard on http://"));
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void tokenFileIsCreatedOwnerOnlyKeptAcrossRestartsAndIsTheOnlyWayIn() throws Exception {
        Path config = config();
        Path tokenFile = dir.resolve("data").resolve("http-token");
        String token;
        try (BrokerProcess broker = BrokerProcess.start("-c", config.toString())) {
            int port = httpPort(broker);
            assertThat(broker.await("http-token")).contains(tokenFile.toString()).contains("created now");
            assertThat(Files.getPosixFilePermissions(tokenFile))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            token = Files.readString(tokenFile).strip();
            assertThat(token).hasSize(64).matches("[0-9a-f]+");
            assertThat(broker.lines()).as("the secret itself is never logged").noneMatch(l -> l.contains(token));
            assertThat(status(port, null)).isEqualTo(401);
            assertThat(status(port, "not-" + token)).isEqualTo(401);
            assertThat(status(port, token)).isEqualTo(200);

            CliRun ctl = CliRun.of("ctl", "--url", "http://127.0.0.1:" + port, "--token-file", tokenFile.toString(),
                    "stats");
            assertThat(ctl.exitCode()).as(ctl.err()).isZero();
            assertThat(ctl.out()).contains("version").contains("listeners          tcp 127.0.0.1:")
                    .as("the bound port, not http.bind's 0").contains("http               127.0.0.1:" + port);
            CliRun none = CliRun.of("ctl", "--url", "http://127.0.0.1:" + port, "--token-file",
                    dir.resolve("missing").toString(), "stats");
            assertThat(none.exitCode()).isEqualTo(2);
            assertThat(none.err()).contains("--token-file").contains("missing");
        }
        try (BrokerProcess broker = BrokerProcess.start("-c", config.toString())) {
            int port = httpPort(broker);
            assertThat(broker.await("http-token")).doesNotContain("created now");
            assertThat(Files.readString(tokenFile).strip()).isEqualTo(token);
            assertThat(status(port, token)).isEqualTo(200);
        }
    }

    @Test
    void aConfiguredTokenWinsAndNoFileIsWritten() throws Exception {
        Path config = config();
        Files.writeString(config, Files.readString(config) + "  token: 0123456789abcdef0123\n");
        try (BrokerProcess broker = BrokerProcess.start("-c", config.toString())) {
            int port = httpPort(broker);
            assertThat(status(port, "0123456789abcdef0123")).isEqualTo(200);
            assertThat(broker.lines()).noneMatch(l -> l.contains("http-token"));
        }
        assertThat(dir.resolve("data").resolve("http-token")).doesNotExist();
    }
}
