package dev.tern.codec.decode;

import static dev.tern.codec.Bytes.clientFailure;
import static dev.tern.codec.Bytes.server;
import static dev.tern.codec.Bytes.serverFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.Auth;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.PingReq;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PINGREQ, DISCONNECT, AUTH, packet types per role and the fixed header. */
class ControlDecoderTest {
    private static final MqttVersion V3 = MqttVersion.V3_1_1;
    private static final MqttVersion V5 = MqttVersion.V5;

    @Test
    void pingreq() {
        assertThat(server(V3, 0xC0, 0x00)).isSameAs(PingReq.INSTANCE); // PINGREQ, rl 0
    }

    @Test
    void pingreqWithBody() {
        assertThat(serverFailure(V3, 0xC0, 0x01, 0x00)).isEqualTo(ReasonCode.MALFORMED_PACKET); // rl 1
    }

    @Test
    void pingreqWithFlags() {
        assertThat(serverFailure(V3, 0xC1, 0x00)).isEqualTo(ReasonCode.MALFORMED_PACKET); // flags 0001
    }

    @Test
    void v311Disconnect() {
        assertThat(server(V3, 0xE0, 0x00)).isEqualTo(Disconnect.NORMAL); // DISCONNECT, rl 0
    }

    @Test
    void v311DisconnectWithBody() {
        assertThat(serverFailure(V3, 0xE0, 0x01, 0x00)).isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void v5DisconnectShortForm() {
        assertThat(server(V5, 0xE0, 0x00)).isEqualTo(Disconnect.NORMAL); // rl 0 means normal disconnection
    }

    @Test
    void v5DisconnectReasonOnly() {
        assertThat(server(V5,
                0xE0, 0x01,                         // DISCONNECT, rl 1
                0x04))                              // disconnect with will message
                .isEqualTo(Disconnect.of(ReasonCode.DISCONNECT_WITH_WILL_MESSAGE));
    }

    @Test
    void v5DisconnectWithProperties() {
        assertThat(server(V5,
                0xE0, 0x0B,                         // DISCONNECT, rl 11
                0x00,                               // normal disconnection
                0x09,                               // property length 9
                0x11, 0x00, 0x00, 0x00, 0x0A,       //   session expiry interval 10
                0x1F, 0x00, 0x01, 'x'))             //   reason string "x"
                .isEqualTo(new Disconnect(0, 10L, "x", null, List.of()));
    }

    @Test
    void v5DisconnectReasonNotAllowed() {
        assertThat(serverFailure(V5, 0xE0, 0x01, 0x05)).isEqualTo(ReasonCode.PROTOCOL_ERROR); // 0x05 undefined
    }

    @Test
    void v5DisconnectPropertyNotAllowed() {
        assertThat(serverFailure(V5,
                0xE0, 0x04, 0x00,                   // DISCONNECT, rl 4, reason 0
                0x02, 0x17, 0x01))                  // properties: request problem information
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void v5DisconnectFromServerWithSessionExpiry() {
        assertThat(clientFailure(V5,
                0xE0, 0x07, 0x8B,                   // DISCONNECT, rl 7, server shutting down
                0x05, 0x11, 0x00, 0x00, 0x00, 0x01)) // properties: session expiry interval
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5AuthShortForm() {
        assertThat(server(V5, 0xF0, 0x00)).isEqualTo(new Auth(0, null, null, null, List.of())); // AUTH, rl 0
    }

    @Test
    void v5AuthContinue() {
        Auth a = (Auth) server(V5,
                0xF0, 0x0A,                         // AUTH, rl 10
                0x18,                               // continue authentication
                0x08,                               // property length 8
                0x15, 0x00, 0x01, 'm',              //   authentication method "m"
                0x16, 0x00, 0x01, 0x01);            //   authentication data 01
        assertThat(a).usingRecursiveComparison()
                .isEqualTo(new Auth(0x18, "m", new byte[] {1}, null, List.of()));
    }

    @Test
    void v5AuthReasonNotAllowed() {
        assertThat(serverFailure(V5, 0xF0, 0x01, 0x01)).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void authInV311() {
        assertThat(serverFailure(V3, 0xF0, 0x00)).isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void reservedPacketType0() {
        assertThat(serverFailure(V3, 0x00, 0x00)).isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void serverRejectsServerToClientPackets() {
        assertThat(serverFailure(V3, 0x20, 0x02, 0x00, 0x00)).isEqualTo(ReasonCode.PROTOCOL_ERROR); // CONNACK
        assertThat(serverFailure(V3, 0x90, 0x03, 0x00, 0x01, 0x00)).isEqualTo(ReasonCode.PROTOCOL_ERROR); // SUBACK
        assertThat(serverFailure(V3, 0xB0, 0x02, 0x00, 0x01)).isEqualTo(ReasonCode.PROTOCOL_ERROR); // UNSUBACK
        assertThat(serverFailure(V3, 0xD0, 0x00)).isEqualTo(ReasonCode.PROTOCOL_ERROR); // PINGRESP
    }

    @Test
    void clientRejectsClientToServerPackets() {
        assertThat(clientFailure(V3, 0xC0, 0x00)).isEqualTo(ReasonCode.PROTOCOL_ERROR); // PINGREQ
        assertThat(clientFailure(V3, 0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 'a', 0x00))
                .isEqualTo(ReasonCode.PROTOCOL_ERROR); // SUBSCRIBE
        assertThat(clientFailure(V3, 0xA2, 0x05, 0x00, 0x01, 0x00, 0x01, 'a'))
                .isEqualTo(ReasonCode.PROTOCOL_ERROR); // UNSUBSCRIBE
        assertThat(clientFailure(V3,
                0x10, 0x0C, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x00, 0x00, 0x00, 0x00, 0x00))
                .isEqualTo(ReasonCode.PROTOCOL_ERROR); // CONNECT
    }

    @Test
    void v31AllowsDupOnQos1ControlPackets() {
        assertThat(server(MqttVersion.V3_1,
                0x8A,                               // SUBSCRIBE with DUP and QoS 1 flags (MQTT 3.1 retransmission)
                0x06, 0x00, 0x01,                   // remaining length 6, packet id 1
                0x00, 0x01, 'a', 0x00))             // filter "a", QoS 0
                .isInstanceOf(dev.tern.codec.packet.Subscribe.class);
        assertThat(serverFailure(V3, 0x8A, 0x06, 0x00, 0x01, 0x00, 0x01, 'a', 0x00))
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void packetBeforeVersionIsKnown() {
        assertThat(serverFailure(null, 0xC0, 0x00)).isEqualTo(ReasonCode.PROTOCOL_ERROR); // PINGREQ before CONNECT
    }
}
