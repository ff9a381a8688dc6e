package dev.tern.codec.decode;

import static dev.tern.codec.Bytes.client;
import static dev.tern.codec.Bytes.clientFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.PingResp;
import dev.tern.codec.packet.SubAck;
import dev.tern.codec.packet.UnsubAck;
import dev.tern.codec.packet.UserProperty;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CONNACK, SUBACK, UNSUBACK and PINGRESP, decoded in the client role. */
class ClientSideDecoderTest {
    private static final MqttVersion V3 = MqttVersion.V3_1_1;
    private static final MqttVersion V5 = MqttVersion.V5;

    @Test
    void v311Connack() {
        assertThat(client(V3,
                0x20,                               // CONNACK
                0x02,                               // remaining length 2
                0x01,                               // session present
                0x00))                              // accepted
                .isEqualTo(Connack.of(true, 0));
    }

    @Test
    void v311ConnackRefused() {
        assertThat(client(V3, 0x20, 0x02, 0x00, 0x05)) // not authorized
                .isEqualTo(Connack.of(false, ReasonCode.V3_NOT_AUTHORIZED));
    }

    @Test
    void v5ConnackWithAllProperties() {
        Connack c = (Connack) client(V5,
                0x20,                               // CONNACK
                0x41,                               // remaining length 65
                0x00,                               // no session present
                0x00,                               // success
                0x3E,                               // property length 62
                0x11, 0x00, 0x00, 0x00, 0x3C,       //   session expiry interval 60
                0x21, 0x00, 0x14,                   //   receive maximum 20
                0x24, 0x01,                         //   maximum QoS 1
                0x25, 0x00,                         //   retain available 0
                0x27, 0x00, 0x00, 0x01, 0x00,       //   maximum packet size 256
                0x12, 0x00, 0x02, 'i', 'd',         //   assigned client identifier "id"
                0x22, 0x00, 0x0A,                   //   topic alias maximum 10
                0x1F, 0x00, 0x02, 'o', 'k',         //   reason string "ok"
                0x28, 0x01,                         //   wildcard subscription available 1
                0x29, 0x00,                         //   subscription identifiers available 0
                0x2A, 0x01,                         //   shared subscription available 1
                0x13, 0x00, 0x1E,                   //   server keep alive 30
                0x1A, 0x00, 0x01, 'r',              //   response information "r"
                0x1C, 0x00, 0x01, 's',              //   server reference "s"
                0x15, 0x00, 0x01, 'm',              //   authentication method "m"
                0x16, 0x00, 0x01, 0x09,             //   authentication data 09
                0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v'); // user property k=v
        assertThat(c).usingRecursiveComparison().isEqualTo(new Connack(false, 0, 60L, 20, 1, false, 256L, "id", 10,
                "ok", true, false, true, 30, "r", "s", "m", new byte[] {9}, List.of(new UserProperty("k", "v"))));
    }

    @Test
    void v5ConnackNoProperties() {
        assertThat(client(V5, 0x20, 0x03, 0x00, 0x87, 0x00)) // CONNACK, rl 3, not authorized, no properties
                .usingRecursiveComparison().isEqualTo(Connack.of(false, ReasonCode.NOT_AUTHORIZED));
    }

    @Test
    void pingresp() {
        assertThat(client(V3, 0xD0, 0x00)).isSameAs(PingResp.INSTANCE);
    }

    @Test
    void v311Suback() {
        assertThat(client(V3,
                0x90, 0x05,                         // SUBACK, remaining length 5
                0x00, 0x0A,                         // packet id 10
                0x00, 0x01, 0x80))                  // granted 0, granted 1, failure
                .isEqualTo(new SubAck(10, null, List.of(), List.of(0, 1, 0x80)));
    }

    @Test
    void v5Suback() {
        assertThat(client(V5,
                0x90, 0x06,                         // SUBACK, remaining length 6
                0x00, 0x0A,                         // packet id 10
                0x00,                               // property length 0
                0x02, 0x8F, 0xA2))                  // granted 2, topic filter invalid, wildcards not supported
                .isEqualTo(new SubAck(10, null, List.of(), List.of(2, 0x8F, 0xA2)));
    }

    @Test
    void v311Unsuback() {
        assertThat(client(V3, 0xB0, 0x02, 0x00, 0x0A)) // UNSUBACK, rl 2, packet id 10
                .isEqualTo(new UnsubAck(10, null, List.of(), List.of()));
    }

    @Test
    void v5Unsuback() {
        assertThat(client(V5,
                0xB0, 0x05,                         // UNSUBACK, remaining length 5
                0x00, 0x0A,                         // packet id 10
                0x00,                               // property length 0
                0x11, 0x00))                        // no subscription existed, success
                .isEqualTo(new UnsubAck(10, null, List.of(), List.of(0x11, 0)));
    }

    // ---- malformed variants ---------------------------------------------------------------------------------

    @Test
    void connackReservedFlags() {
        assertThat(clientFailure(V3, 0x20, 0x02, 0x02, 0x00)).isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void v311ConnackUnknownReturnCode() {
        assertThat(clientFailure(V3, 0x20, 0x02, 0x00, 0x06)).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void connackSessionPresentWithError() {
        assertThat(clientFailure(V3, 0x20, 0x02, 0x01, 0x05)).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v311ConnackTooLong() {
        assertThat(clientFailure(V3, 0x20, 0x03, 0x00, 0x00, 0x00)).isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void v5ConnackUnknownReasonCode() {
        assertThat(clientFailure(V5, 0x20, 0x03, 0x00, 0x01, 0x00)).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5ConnackMaximumQos2() {
        assertThat(clientFailure(V5, 0x20, 0x05, 0x00, 0x00, 0x02, 0x24, 0x02)) // maximum QoS 2
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5ConnackRetainAvailable2() {
        assertThat(clientFailure(V5, 0x20, 0x05, 0x00, 0x00, 0x02, 0x25, 0x02)) // retain available 2
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5ConnackPropertyNotAllowed() {
        assertThat(clientFailure(V5, 0x20, 0x05, 0x00, 0x00, 0x02, 0x17, 0x01)) // request problem information
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void subackWithoutReasonCodes() {
        assertThat(clientFailure(V3, 0x90, 0x02, 0x00, 0x0A)).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v311SubackV5OnlyCode() {
        assertThat(clientFailure(V3, 0x90, 0x03, 0x00, 0x0A, 0x8F)).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void subackPacketIdZero() {
        assertThat(clientFailure(V3, 0x90, 0x03, 0x00, 0x00, 0x00)).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v311UnsubackTooLong() {
        assertThat(clientFailure(V3, 0xB0, 0x03, 0x00, 0x0A, 0x00)).isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void v5UnsubackUnknownCode() {
        assertThat(clientFailure(V5, 0xB0, 0x04, 0x00, 0x0A, 0x00, 0x01)).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5UnsubackWithoutCodes() {
        assertThat(clientFailure(V5, 0xB0, 0x03, 0x00, 0x0A, 0x00)).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void pingrespWithBody() {
        assertThat(clientFailure(V3, 0xD0, 0x01, 0x00)).isEqualTo(ReasonCode.MALFORMED_PACKET);
    }
}
