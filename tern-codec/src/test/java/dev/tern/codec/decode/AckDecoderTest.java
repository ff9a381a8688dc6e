package dev.tern.codec.decode;

import static dev.tern.codec.Bytes.client;
import static dev.tern.codec.Bytes.server;
import static dev.tern.codec.Bytes.serverFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.PubComp;
import dev.tern.codec.packet.PubRec;
import dev.tern.codec.packet.PubRel;
import dev.tern.codec.packet.UserProperty;
import java.util.List;
import org.junit.jupiter.api.Test;

class AckDecoderTest {
    private static final MqttVersion V3 = MqttVersion.V3_1_1;
    private static final MqttVersion V5 = MqttVersion.V5;

    @Test
    void v311Puback() {
        assertThat(server(V3,
                0x40,                               // PUBACK
                0x02,                               // remaining length 2
                0x00, 0x0A))                        // packet id 10
                .isEqualTo(PubAck.of(10));
    }

    @Test
    void v311Pubrec() {
        assertThat(server(V3, 0x50, 0x02, 0x00, 0x0B)).isEqualTo(PubRec.of(11)); // PUBREC, rl 2, id 11
    }

    @Test
    void v311Pubrel() {
        assertThat(server(V3, 0x62, 0x02, 0x00, 0x0C)).isEqualTo(PubRel.of(12)); // PUBREL flags 0010, rl 2, id 12
    }

    @Test
    void v31Pubrel() {
        assertThat(server(MqttVersion.V3_1, 0x62, 0x02, 0x01, 0x00)).isEqualTo(PubRel.of(256)); // id 256
    }

    @Test
    void v311Pubcomp() {
        assertThat(client(V3, 0x70, 0x02, 0xFF, 0xFF)).isEqualTo(PubComp.of(65535)); // PUBCOMP, id 65535
    }

    @Test
    void v5ShortFormMeansSuccess() {
        assertThat(server(V5,
                0x40,                               // PUBACK
                0x02,                               // remaining length 2: no reason code, no properties
                0x00, 0x0A))                        // packet id 10
                .isEqualTo(PubAck.of(10));
    }

    @Test
    void v5ReasonCodeWithoutProperties() {
        assertThat(server(V5,
                0x40,                               // PUBACK
                0x03,                               // remaining length 3
                0x00, 0x0A,                         // packet id 10
                0x10))                              // reason: no matching subscribers
                .isEqualTo(PubAck.of(10, 0x10));
    }

    @Test
    void v5ReasonCodeWithEmptyProperties() {
        assertThat(server(V5,
                0x50,                               // PUBREC
                0x04,                               // remaining length 4
                0x00, 0x0A,                         // packet id 10
                0x80,                               // reason: unspecified error
                0x00))                              // property length 0
                .isEqualTo(PubRec.of(10, 0x80));
    }

    @Test
    void v5WithReasonStringAndUserProperty() {
        assertThat(server(V5,
                0x70,                               // PUBCOMP
                0x10,                               // remaining length 16
                0x00, 0x0A,                         // packet id 10
                0x92,                               // reason: packet identifier not found
                0x0C,                               // property length 12
                0x1F, 0x00, 0x02, 'n', 'o',         //   reason string "no"
                0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v')) // user property k=v
                .isEqualTo(new PubComp(10, 0x92, "no", List.of(new UserProperty("k", "v"))));
    }

    // ---- malformed variants ---------------------------------------------------------------------------------

    @Test
    void pubackWithFlags() {
        assertThat(serverFailure(V3, 0x42, 0x02, 0x00, 0x0A)) // PUBACK with flags 0010
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void pubrelWithoutFlags() {
        assertThat(serverFailure(V3, 0x60, 0x02, 0x00, 0x0A)) // PUBREL with flags 0000
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void packetIdZero() {
        assertThat(serverFailure(V3, 0x40, 0x02, 0x00, 0x00)) // PUBACK, packet id 0
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v311ExtraByte() {
        assertThat(serverFailure(V3, 0x40, 0x03, 0x00, 0x0A, 0x00)) // PUBACK, rl 3 in 3.1.1
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void tooShort() {
        assertThat(serverFailure(V5, 0x40, 0x01, 0x00)) // PUBACK, rl 1: packet id cut short
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void v5PubackReasonNotAllowed() {
        assertThat(serverFailure(V5, 0x40, 0x03, 0x00, 0x0A, 0x92)) // PUBACK, reason 0x92 is PUBREL/PUBCOMP only
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5PubrelReasonNotAllowed() {
        assertThat(serverFailure(V5, 0x62, 0x03, 0x00, 0x0A, 0x10)) // PUBREL, reason 0x10 is PUBACK/PUBREC only
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5PropertyNotAllowed() {
        assertThat(serverFailure(V5,
                0x40, 0x07,                         // PUBACK, remaining length 7
                0x00, 0x0A, 0x00,                   // packet id, reason
                0x03, 0x23, 0x00, 0x01))            // properties: topic alias
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void v5DuplicateReasonString() {
        assertThat(serverFailure(V5,
                0x50, 0x0C,                         // PUBREC, remaining length 12
                0x00, 0x0A, 0x00,                   // packet id, reason
                0x08,                               // property length 8
                0x1F, 0x00, 0x01, 'a',              //   reason string "a"
                0x1F, 0x00, 0x01, 'b'))             //   reason string again
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5TrailingBytesAfterProperties() {
        assertThat(serverFailure(V5,
                0x40, 0x05,                         // PUBACK, remaining length 5
                0x00, 0x0A, 0x00,                   // packet id, reason
                0x00,                               // property length 0
                0x00))                              // trailing byte
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }
}
