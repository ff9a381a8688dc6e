package dev.tern.tests;

import static dev.tern.tests.support.Raw.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.packet.Disconnect;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Raw;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spec 4.13: on a malformed packet or protocol error after CONNECT, an MQTT 5 server sends DISCONNECT with the
 * reason code (0x81 malformed, 0x82 protocol error) and closes; a 3.1.1 server closes. One case per rule, as
 * commented byte arrays.
 */
class ProtocolErrorTest {
    @RegisterExtension
    static TernExtension broker = new TernExtension();

    static Stream<Arguments> v5Cases() {
        return Stream.of(
                Arguments.of("[MQTT-3.3.1-2] PUBLISH QoS 0 with DUP=1",
                        // 38 = PUBLISH DUP, QoS 0 | topic 'a' | props 00 | payload 'x'
                        "38 05 0001 61 00 78", "0x81"),
                Arguments.of("[MQTT-2.2.1-3] PUBLISH QoS 1 with packet id 0",
                        "32 07 0001 61 0000 00 78", "0x82"),
                Arguments.of("[3.3.2.1] PUBLISH with an empty topic and no topic alias",
                        "30 04 0000 00 78", "0x82"),
                Arguments.of("[3.3.2.3.2] PUBLISH with the payload format indicator twice",
                        // props length 04: 01 01 | 01 01
                        "30 09 0001 61 04 01010101 78", "0x82"),
                Arguments.of("[MQTT-2.1.3-1] SUBSCRIBE with fixed header flags 0000",
                        "80 07 0001 00 0001 61 00", "0x81"),
                Arguments.of("[MQTT-3.8.3-2] SUBSCRIBE without any topic filter",
                        "82 03 0001 00", "0x82"),
                Arguments.of("[MQTT-3.8.3-5] SUBSCRIBE options with reserved bits set",
                        "82 07 0001 00 0001 61 C0", "0x81"),
                Arguments.of("[3.8.3.1] SUBSCRIBE with retain handling 3",
                        "82 07 0001 00 0001 61 30", "0x82"),
                Arguments.of("[MQTT-3.8.3-4] no local on a shared subscription",
                        // filter '$share/g/t' (10 bytes), options 04 = no local
                        "82 10 0001 00 000A 2473686172652F672F74 04", "0x82"),
                Arguments.of("[MQTT-3.10.3-2] UNSUBSCRIBE without any topic filter",
                        "A2 03 0001 00", "0x82"),
                Arguments.of("[2.1.2] PINGREQ with a non-zero remaining length",
                        "C0 01 00", "0x81"),
                Arguments.of("[2.1.2] reserved packet type 0",
                        "00 00", "0x81"),
                Arguments.of("[4.12] AUTH without an authentication method in CONNECT",
                        "F0 02 18 00", "0x82"));
    }

    @ParameterizedTest(name = "{0} -> DISCONNECT {2}")
    @MethodSource("v5Cases")
    void v5(String rule, String bytes, String reason) {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("perr-" + Math.abs(rule.hashCode())))) {
            c.send(HexFormat.of().parseHex(bytes.replace(" ", "")));
            Disconnect d = c.expect(Disconnect.class);
            assertThat(d.reasonCode()).as(rule).isEqualTo(Integer.decode(reason));
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    static Stream<Arguments> v311Cases() {
        return Stream.of(
                Arguments.of("[MQTT-3.3.1-2] PUBLISH QoS 0 with DUP=1", "38 04 0001 61 78"),
                Arguments.of("[MQTT-3.3.1-4] PUBLISH with QoS 3", "36 06 0001 61 0001 78"),
                Arguments.of("[MQTT-2.3.1-1] PUBLISH QoS 1 with packet id 0", "32 06 0001 61 0000 78"),
                Arguments.of("[MQTT-3.8.1-1] SUBSCRIBE with fixed header flags 0000", "80 06 0001 0001 61 00"),
                Arguments.of("[MQTT-3.8.3-3] SUBSCRIBE without any topic filter", "82 02 0001"),
                Arguments.of("[MQTT-3.8.3-4] SUBSCRIBE with requested QoS 3", "82 06 0001 0001 61 03"),
                Arguments.of("[MQTT-3.10.3-2] UNSUBSCRIBE without any topic filter", "A2 02 0001"),
                Arguments.of("[MQTT-2.2.2-2] PINGREQ with reserved flags set", "C1 00"),
                Arguments.of("[2.2.1] reserved packet type 15 (AUTH) in 3.1.1", "F0 00"),
                Arguments.of("[MQTT-1.5.3-2] topic with U+0000", "30 05 0002 6100 78"));
    }

    @ParameterizedTest(name = "3.1.1 {0} -> close")
    @MethodSource("v311Cases")
    void v311(String rule, String bytes) {
        try (RawMqttClient c = Raw.connected(broker.port(),
                ConnectBuilder.v311("perr3-" + Math.abs(rule.hashCode())))) {
            c.send(HexFormat.of().parseHex(bytes.replace(" ", "")));
            assertThat(c.awaitClosed(TIMEOUT)).as(rule).isTrue();
            assertThat(c.discarded()).as("nothing answered before the close").isEmpty();
        }
    }
}
