package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.Publish;
import dev.tern.security.PasswordFile;
import dev.tern.server.config.HttpConfig;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.Brokers;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Raw;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code tern ctl} against a real broker's HTTP listener: tables, --json, effects on clients, errors, exit codes. */
class CtlCommandTest {
    private static final String TOKEN = "ctl-test-token-0123456789abcdef";
    private static final Path ADMINS = admins();

    @RegisterExtension
    static TernExtension broker = new TernExtension(b -> b.http(HttpConfig.on("127.0.0.1", 0, TOKEN, ADMINS, false)));

    private static Path admins() {
        try {
            Path f = Files.createTempDirectory("tern-ctl").resolve("admins");
            Files.writeString(f, "ops:" + PasswordFile.hash("ops-secret".getBytes(StandardCharsets.UTF_8)) + "\n");
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String url() {
        return "http://127.0.0.1:" + broker.tern().httpAddress().getPort();
    }

    /** {@code tern ctl --url <the broker> --token <token> args...}. */
    private static CtlRun ctl(String... args) {
        List<String> all = new ArrayList<>(List.of("ctl", "--url", url(), "--token", TOKEN));
        all.addAll(List.of(args));
        return CtlRun.of(all.toArray(String[]::new));
    }

    private static CtlRun ok(String... args) {
        CtlRun r = ctl(args);
        assertThat(r.exitCode()).as("exit code; out: %s err: %s", r.out(), r.err()).isZero();
        assertThat(r.err()).isEmpty();
        return r;
    }

    private static CtlRun fails(int exitCode, String error, String... args) {
        CtlRun r = ctl(args);
        assertThat(r.exitCode()).as("exit code; out: %s err: %s", r.out(), r.err()).isEqualTo(exitCode);
        assertThat(r.err()).startsWith(error);
        return r;
    }

    @Test
    @DisplayName("clients: an aligned table, filters, --json is the API's answer")
    void clients() {
        try (RawMqttClient a = Raw.connected(broker.port(), ConnectBuilder.v5("ctl-cl-alpha").keepAlive(42));
             RawMqttClient b = Raw.connected(broker.port(), ConnectBuilder.v311("ctl-cl-beta"))) {
            a.subscribe("ctl/cl/#", 1);
            List<String> lines = ok("clients", "--id", "ctl-cl").lines();
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).startsWith("CLIENT ID     USERNAME  ADDRESS ")
                    .contains("  LISTENER  ", "  MQTT  ", "  KEEPALIVE  ", "  CONNECTED AT  ", "SUBS  QUEUED  INFLIGHT");
            String alpha = lines.stream().filter(l -> l.startsWith("ctl-cl-alpha ")).findFirst().orElseThrow();
            assertThat(alpha).contains(" 127.0.0.1:", " tcp 127.0.0.1:" + broker.port() + " ", " 5 ", " 42 ");
            assertThat(lines).anyMatch(l -> l.startsWith("ctl-cl-beta ") && l.contains(" 3.1.1 "));
            // columns line up: every row has its address where the header has ADDRESS
            int address = lines.get(0).indexOf("ADDRESS");
            assertThat(lines.subList(1, 3)).allSatisfy(l -> assertThat(l.substring(address)).startsWith("127.0.0.1:"));

            assertThat(ok("clients", "--id", "ALPHA").lines()).hasSize(2);
            assertThat(ok("clients", "--address", "127.0.0.1", "--id", "ctl-cl").lines()).hasSize(3);
            assertThat(ok("clients", "--username", "nobody").out()).isEqualTo("no clients connected that match\n");

            JsonObject json = JsonParser.parseString(ok("clients", "--id", "ctl-cl-alpha", "--json").out())
                    .getAsJsonObject();
            assertThat(json.get("total").getAsInt()).isEqualTo(1);
            JsonObject item = json.getAsJsonArray("items").get(0).getAsJsonObject();
            assertThat(item.get("clientId").getAsString()).isEqualTo("ctl-cl-alpha");
            assertThat(item.get("keepAlive").getAsInt()).isEqualTo(42);
            assertThat(item.getAsJsonArray("subscriptions").get(0).getAsJsonObject().get("filter").getAsString())
                    .isEqualTo("ctl/cl/#");

            List<String> page = ok("clients", "--id", "ctl-cl", "--limit", "1").lines();
            assertThat(page).hasSize(3).last().asString()
                    .isEqualTo("(1 of 2 clients shown, from 0; use --limit and --offset for more)");
        }
    }

    @Test
    @DisplayName("kick: the client gets DISCONNECT 0x98 and is closed; an unknown client is exit 1")
    void kick() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("ctl-kick").cleanStart(false)
                .sessionExpiry(300))) {
            assertThat(ok("kick", "ctl-kick").out()).isEqualTo("kicked client 'ctl-kick'\n");
            assertThat(c.expect(Disconnect.class).reasonCode()).isEqualTo(0x98);
            assertThat(c.awaitClosed(Raw.TIMEOUT)).isTrue();
        }
        Brokers.awaitOffline(broker, "ctl-kick");
        assertThat(ok("clients", "--id", "ctl-kick").out()).isEqualTo("no clients connected that match\n");
        fails(1, "Error: no client 'ctl-kick' connected\n", "kick", "ctl-kick");
        assertThat(ok("sessions", "--id", "ctl-kick", "--connected", "false").lines()).hasSize(2)
                .last().asString().matches("ctl-kick +no +5m 0s +(4m 5\\ds|5m 0s) +0 +0 +0");
    }

    @Test
    @DisplayName("sessions and session show/delete: offline sessions listed, shown, ended")
    void sessions() {
        try (RawMqttClient gone = Raw.connected(broker.port(), ConnectBuilder.v311("ctl-sess-off")
                .cleanStart(false))) {
            gone.subscribe("ctl/sess/+", 1);
        }
        Brokers.awaitOffline(broker, "ctl-sess-off");
        try (RawMqttClient on = Raw.connected(broker.port(), ConnectBuilder.v5("ctl-sess-on"))) {
            List<String> offline = ok("sessions", "--connected", "false", "--id", "ctl-sess").lines();
            assertThat(offline).hasSize(2);
            assertThat(offline.get(0)).isEqualTo("CLIENT ID     CONNECTED  EXPIRY  EXPIRES IN  SUBS  QUEUED  INFLIGHT");
            assertThat(offline.get(1)).matches("ctl-sess-off  no +never +never +1 +0 +0");
            assertThat(ok("sessions", "--connected", "true", "--id", "ctl-sess").out())
                    .contains("ctl-sess-on").doesNotContain("ctl-sess-off");

            String show = ok("session", "show", "ctl-sess-off").out();
            assertThat(show).contains("client id       ctl-sess-off\n", "connected       no\n",
                    "session expiry  never\n", "ctl/sess/+", "FILTER");

            assertThat(ok("session", "delete", "ctl-sess-off").out()).isEqualTo("ended the session of 'ctl-sess-off'\n");
            fails(1, "Error: no session for client id 'ctl-sess-off'\n", "session", "show", "ctl-sess-off");
            fails(1, "Error: no session for client id 'ctl-sess-off'\n", "session", "delete", "ctl-sess-off");
            assertThat(broker.tern().inspector().session("ctl-sess-off").join()).isEmpty();

            ok("session", "delete", "ctl-sess-on");
            assertThat(on.expect(Disconnect.class).reasonCode()).as("a connected client is kicked first")
                    .isEqualTo(0x98);
        }
        fails(2, "Invalid value for option '--connected'", "sessions", "--connected", "maybe");
    }

    @Test
    @DisplayName("publish, retained, retained delete: a subscriber gets the message; deleted ones are gone")
    void publishAndRetained() {
        try (RawMqttClient sub = Raw.connected(broker.port(), ConnectBuilder.v5("ctl-pub-sub"))) {
            sub.subscribe("ctl/ret/#", 1);
            assertThat(ok("publish", "-t", "ctl/ret/a", "-m", "hello there", "-q", "1", "-r").out())
                    .isEqualTo("published to 'ctl/ret/a' (1 matching session)\n");
            Publish p = sub.expect(Publish.class);
            assertThat(p.topic()).isEqualTo("ctl/ret/a");
            assertThat(Raw.text(p.payload())).isEqualTo("hello there");
            assertThat(p.qos()).isEqualTo(1);
            ok("publish", "-t", "ctl/ret/b/c", "-m", "x".repeat(100), "-r");
            sub.expect(Publish.class);
        }
        List<String> lines = ok("retained", "ctl/ret/#").lines();
        assertThat(lines).containsExactly(
                "TOPIC        QOS  SIZE  PAYLOAD",
                "ctl/ret/a      1    11  hello there",
                "ctl/ret/b/c    0   100  " + "x".repeat(57) + "...");
        assertThat(ok("retained", "ctl/+/a").lines()).hasSize(2);

        assertThat(ok("retained", "delete", "ctl/ret/a").out()).isEqualTo("deleted the retained message on 'ctl/ret/a'\n");
        fails(1, "Error: no retained message on 'ctl/ret/a'\n", "retained", "delete", "ctl/ret/a");
        assertThat(ok("retained", "delete", "--filter", "ctl/ret/#").out())
                .isEqualTo("deleted 1 retained message matching 'ctl/ret/#'\n");
        assertThat(ok("retained", "ctl/ret/#").out()).isEqualTo("no retained messages match 'ctl/ret/#'\n");
        try (RawMqttClient late = Raw.connected(broker.port(), ConnectBuilder.v311("ctl-late"))) {
            late.subscribe("ctl/ret/#", 0);
            late.expectNothing(Raw.SHORT);
        }
        fails(2, "Error: tern ctl retained delete: give a TOPIC or --filter FILTER", "retained", "delete");
        fails(1, "Error: the broker answered 400: ", "retained", "a/#/b");
        fails(2, "Missing required option: '--topic=TOPIC'", "publish", "-m", "x");
    }

    @Test
    @DisplayName("stats and reload")
    void statsAndReload() {
        String stats = ok("stats").out();
        assertThat(stats).startsWith("version            ")
                .contains("\nlisteners          tcp 127.0.0.1:" + broker.port() + "\n", "\nclients connected  ",
                        "\nmessages dropped   ", "\nbytes received     ");
        JsonObject json = JsonParser.parseString(ok("stats", "--json").out()).getAsJsonObject();
        assertThat(json.getAsJsonArray("listeners").get(0).getAsString()).isEqualTo("tcp 127.0.0.1:" + broker.port());
        assertThat(ok("reload").out()).endsWith("reloaded\n");
    }

    @Test
    @DisplayName("credentials: Basic with -u, 401 named as such, options after or before the subcommand")
    void credentials() {
        CtlRun basic = CtlRun.of("ctl", "stats", "--url", url(), "-u", "ops:ops-secret");
        assertThat(basic.exitCode()).as(basic.err()).isZero();
        CtlRun none = CtlRun.of("ctl", "--url", url(), "stats");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err()).isEqualTo("Error: the broker refused the credentials: pass --token (or set TERN_TOKEN) "
                + "or -u user:password (none were given)\n");
        CtlRun wrong = CtlRun.of("ctl", "--url", url(), "-u", "ops:wrong", "clients");
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.err()).startsWith("Error: the broker refused the credentials").endsWith(
                "(check the user and password)\n");
        CtlRun badToken = CtlRun.of("ctl", "--url", url(), "--token", "not-the-token-at-all", "clients");
        assertThat(badToken.exitCode()).isEqualTo(1);
        assertThat(badToken.err()).endsWith("(check the token)\n");
    }

    @Test
    @DisplayName("errors: nothing listening, a port that is not HTTP, bad options; exit 1 and 2")
    void errors() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        CtlRun refused = CtlRun.of("ctl", "--url", "http://127.0.0.1:" + free, "clients");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("Error: connection refused at 127.0.0.1:" + free
                + ": is the broker running with its HTTP listener?\n");

        CtlRun mqtt = CtlRun.of("ctl", "--url", "http://127.0.0.1:" + broker.port(), "--token", TOKEN, "clients");
        assertThat(mqtt.exitCode()).as("an MQTT port").isEqualTo(1);
        assertThat(mqtt.err()).isEqualTo("Error: 127.0.0.1:" + broker.port() + " closed the connection without an "
                + "HTTP answer: is it the broker's HTTP listener (http.bind, not an MQTT port)? If it has http.tls, use "
                + "--url https://127.0.0.1:" + broker.port() + "\n");

        for (String[] args : new String[][] {
            {"ctl", "--url", "ftp://127.0.0.1:8080", "clients"},
            {"ctl", "--url", url(), "-u", "no-colon", "clients"},
            {"ctl", "--url", url(), "--insecure", "clients"},
            {"ctl", "--url", url(), "--token", TOKEN, "-u", "a:b", "clients"}}) {
            CtlRun r = CtlRun.of(args);
            assertThat(r.exitCode()).as("%s: %s", List.of(args), r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith("Error: ");
        }
        assertThat(CtlRun.of("ctl", "--url", "ftp://x", "clients").err())
                .isEqualTo("Error: --url: expected http://host:port or https://host:port (e.g. http://127.0.0.1:8080),"
                        + " got 'ftp://x'\n");
        CtlRun unknown = CtlRun.of("ctl", "frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unmatched argument at index 1: 'frobnicate'");
        CtlRun help = CtlRun.of("ctl", "kick", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: tern ctl kick ").contains("--url=URL", "--token=TOKEN", "--cafile");
        assertThat(CtlRun.of("ctl", "--help").out()).contains("clients", "kick", "sessions", "session", "retained",
                "reload", "stats", "publish", "Exit codes: 0 ok;");
        CtlRun bare = CtlRun.of("ctl");
        assertThat(bare.exitCode()).isEqualTo(2);
        assertThat(bare.err()).startsWith("tern ctl: missing command");
    }

    @Test
    @DisplayName("a real tern ctl process takes its token from TERN_TOKEN and exits 0, or 1 without it")
    void tokenFromTheEnvironmentInAProcess() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), dev.tern.cli.TernCommand.class.getName(),
                "ctl", "--url", url(), "stats");
        ProcessBuilder withToken = new ProcessBuilder(command).redirectErrorStream(true);
        withToken.environment().put("TERN_TOKEN", TOKEN);
        Process p = withToken.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("listeners          tcp 127.0.0.1:" + broker.port());

        ProcessBuilder without = new ProcessBuilder(command).redirectErrorStream(true);
        without.environment().remove("TERN_TOKEN");
        Process q = without.start();
        String err = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(q.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(q.exitValue()).isEqualTo(1);
        assertThat(err).contains("the broker refused the credentials");
    }
}
