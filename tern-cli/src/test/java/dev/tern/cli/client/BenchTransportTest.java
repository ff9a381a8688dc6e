package dev.tern.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tern.cli.client.ClientRun.Result;
import dev.tern.server.Tern;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.ListenerConfig;
import dev.tern.server.config.TlsConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tern bench} over TLS, WebSocket and secure WebSocket listeners of an embedded Tern: messages go through
 * (nothing lost at QoS 1), and a broker whose certificate cannot be checked is refused unless {@code --insecure}.
 * The TLS cases need openssl (for the test certificates) and are skipped without it.
 */
class BenchTransportTest {
    private static final Pattern DELIVERED = Pattern.compile("delivered ([\\d,]+) msg/s");

    @TempDir
    static Path dir;
    private static Tern tern;
    private static String ca;
    private static final List<String> PORTS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        List<ListenerConfig> listeners = new ArrayList<>(List.of(ListenerConfig.ws("127.0.0.1", 0)));
        if (OpensslPki.available()) {
            OpensslPki pki = OpensslPki.create(dir);
            pki.issueServer("server");
            ca = pki.ca().toString();
            TlsConfig tls = TlsConfig.of(pki.cert("server"), pki.key("server"));
            listeners.add(ListenerConfig.tls("127.0.0.1", 0, tls));
            listeners.add(ListenerConfig.wss("127.0.0.1", 0, tls));
        } else {
            System.out.println("BenchTransportTest: TLS cases skipped: openssl is not installed");
        }
        tern = Tern.builder().config(BrokerConfig.defaults().withListeners(listeners)).build();
        tern.start();
        tern.ports().forEach(p -> PORTS.add(String.valueOf(p)));
    }

    @AfterAll
    static void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    private static long delivered(String out) {
        Matcher m = DELIVERED.matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ws,0", "tls,1", "wss,2"})
    void fanInAtQos1OverEachTransportLosesNothing(String transport, int listener) {
        List<String> args = new ArrayList<>(List.of("bench", "fanin", "-q", "1", "-d", "2s", "--quiet"));
        if (!transport.equals("ws")) {
            assumeTrue(ca != null, "openssl is needed for the test certificates");
            args.addAll(List.of("-h", "localhost", "--cafile", ca));
        }
        if (transport.startsWith("ws")) {
            args.add("--ws");
        }
        args.addAll(List.of("-p", PORTS.get(listener)));
        Result r = ClientRun.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("lost 0", "duplicates 0", "errors 0");
        assertThat(delivered(r.out())).isPositive();
    }

    @Test
    void aCertificateThatCannotBeCheckedIsRefusedUnlessInsecure() {
        assumeTrue(ca != null, "openssl is needed for the test certificates");
        String port = PORTS.get(1);
        Result refused = ClientRun.run("bench", "pub", "-q", "1", "-d", "1s", "--quiet", "--tls", "-p", port);
        assertThat(refused.exitCode()).as(refused.out() + refused.err()).isNotZero();
        Result insecure = ClientRun.run("bench", "pub", "-q", "1", "-d", "1s", "--quiet", "--insecure", "-p", port);
        assertThat(insecure.exitCode()).as(insecure.out() + insecure.err()).isZero();
        assertThat(insecure.out()).contains("errors 0");
    }

    @Test
    void aWrongWebSocketPathFailsClearly() {
        Result r = ClientRun.run("bench", "pub", "-d", "1s", "--quiet", "--ws", "--ws-path", "/nope", "-p",
                PORTS.get(0));
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.out() + r.err()).containsIgnoringCase("setting up publishers failed");
    }
}
