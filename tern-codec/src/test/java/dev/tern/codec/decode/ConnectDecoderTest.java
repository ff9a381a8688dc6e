package dev.tern.codec.decode;

import static dev.tern.codec.Bytes.server;
import static dev.tern.codec.Bytes.serverFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.PublishProperties;
import dev.tern.codec.packet.UserProperty;
import dev.tern.codec.packet.Will;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectDecoderTest {

    @Test
    void v311Minimal() {
        Connect c = (Connect) server(null,
                0x10,                               // CONNECT
                0x0F,                               // remaining length 15
                0x00, 0x04, 'M', 'Q', 'T', 'T',     // protocol name "MQTT"
                0x04,                               // protocol level 4 (3.1.1)
                0x02,                               // connect flags: clean session
                0x00, 0x3C,                         // keep alive 60
                0x00, 0x03, 'a', 'b', 'c');         // client id "abc"
        assertThat(c).isEqualTo(Connect.of(MqttVersion.V3_1_1, "abc", true, 60));
    }

    @Test
    void v31Minimal() {
        Connect c = (Connect) server(null,
                0x10,                                         // CONNECT
                0x11,                                         // remaining length 17
                0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',     // protocol name "MQIsdp"
                0x03,                                         // protocol level 3 (3.1)
                0x00,                                         // connect flags: none
                0x00, 0x0A,                                   // keep alive 10
                0x00, 0x03, 'a', 'b', 'c');                   // client id "abc"
        assertThat(c).isEqualTo(Connect.of(MqttVersion.V3_1, "abc", false, 10));
    }

    @Test
    void v31ClientIdLongerThan23IsAcceptedByTheCodec() {
        Connect c = (Connect) server(null,
                0x10,                                         // CONNECT
                0x2C,                                         // remaining length 44
                0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',     // protocol name "MQIsdp"
                0x03,                                         // protocol level 3
                0x02,                                         // connect flags: clean session
                0x00, 0x0A,                                   // keep alive 10
                0x00, 0x1E,                                   // client id length 30
                'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j',
                'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j',
                'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j');
        assertThat(c.clientId()).hasSize(30);
    }

    @Test
    void v311WithWillUsernameAndPassword() {
        Connect c = (Connect) server(null,
                0x10,                               // CONNECT
                0x22,                               // remaining length 34
                0x00, 0x04, 'M', 'Q', 'T', 'T',     // protocol name "MQTT"
                0x04,                               // protocol level 4
                0xEE,                               // flags: user, password, will retain, will QoS 1, will, clean
                0x00, 0x3C,                         // keep alive 60
                0x00, 0x03, 'a', 'b', 'c',          // client id "abc"
                0x00, 0x03, 'w', '/', 't',          // will topic "w/t"
                0x00, 0x02, 'b', 'y',               // will payload "by"
                0x00, 0x04, 'u', 's', 'e', 'r',     // user name "user"
                0x00, 0x02, 'p', 'w');              // password "pw"
        assertThat(c.username()).isEqualTo("user");
        assertThat(c.password()).containsExactly('p', 'w');
        assertThat(c.will()).usingRecursiveComparison()
                .isEqualTo(new Will("w/t", new byte[] {'b', 'y'}, 1, true, 0, PublishProperties.EMPTY));
        assertThat(c.cleanStart()).isTrue();
    }

    @Test
    void v311EmptyClientIdIsLeftToTheBroker() {
        Connect c = (Connect) server(null,
                0x10,                               // CONNECT
                0x0C,                               // remaining length 12
                0x00, 0x04, 'M', 'Q', 'T', 'T',     // protocol name
                0x04,                               // level 4
                0x00,                               // flags: not clean
                0x00, 0x00,                         // keep alive 0
                0x00, 0x00);                        // client id ""
        assertThat(c.clientId()).isEmpty();
    }

    @Test
    void v5WithProperties() {
        Connect c = (Connect) server(null,
                0x10,                               // CONNECT
                0x2B,                               // remaining length 43
                0x00, 0x04, 'M', 'Q', 'T', 'T',     // protocol name
                0x05,                               // level 5
                0x02,                               // flags: clean start
                0x00, 0x3C,                         // keep alive 60
                0x1B,                               // property length 27
                0x11, 0x00, 0x00, 0x00, 0x3C,       //   session expiry interval 60
                0x21, 0x00, 0x0A,                   //   receive maximum 10
                0x27, 0x00, 0x00, 0x10, 0x00,       //   maximum packet size 4096
                0x22, 0x00, 0x05,                   //   topic alias maximum 5
                0x19, 0x01,                         //   request response information 1
                0x17, 0x00,                         //   request problem information 0
                0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v', // user property k=v
                0x00, 0x03, 'a', 'b', 'c');         // client id "abc"
        assertThat(c).usingRecursiveComparison().isEqualTo(new Connect(MqttVersion.V5, "abc", true, 60, null, null,
                null, 60, 10, 4096, 5, true, false, null, null, List.of(new UserProperty("k", "v"))));
    }

    @Test
    void v5DefaultsWhenPropertiesAbsent() {
        Connect c = (Connect) server(null,
                0x10,                               // CONNECT
                0x10,                               // remaining length 16
                0x00, 0x04, 'M', 'Q', 'T', 'T',     // protocol name
                0x05,                               // level 5
                0x00,                               // flags
                0x00, 0x00,                         // keep alive 0
                0x00,                               // property length 0
                0x00, 0x03, 'a', 'b', 'c');         // client id
        assertThat(c).usingRecursiveComparison().isEqualTo(Connect.of(MqttVersion.V5, "abc", false, 0));
    }

    @Test
    void v5WithWillProperties() {
        Connect c = (Connect) server(null,
                0x10,                               // CONNECT
                0x33,                               // remaining length 51
                0x00, 0x04, 'M', 'Q', 'T', 'T',     // protocol name
                0x05,                               // level 5
                0x06,                               // flags: will (QoS 0), clean start
                0x00, 0x3C,                         // keep alive 60
                0x00,                               // property length 0
                0x00, 0x03, 'a', 'b', 'c',          // client id
                0x1C,                               // will property length 28
                0x18, 0x00, 0x00, 0x00, 0x0A,       //   will delay interval 10
                0x01, 0x01,                         //   payload format indicator 1
                0x02, 0x00, 0x00, 0x00, 0x64,       //   message expiry interval 100
                0x03, 0x00, 0x04, 't', 'e', 'x', 't', // content type "text"
                0x08, 0x00, 0x01, 'r',              //   response topic "r"
                0x09, 0x00, 0x02, 0x01, 0x02,       //   correlation data 01 02
                0x00, 0x01, 'w',                    // will topic "w"
                0x00, 0x01, 'x');                   // will payload "x"
        assertThat(c.will()).usingRecursiveComparison().isEqualTo(new Will("w", new byte[] {'x'}, 0, false, 10,
                new PublishProperties(1, 100L, null, "r", new byte[] {1, 2}, "text", List.of(), List.of())));
    }

    @Test
    void v5PasswordWithoutUsernameIsAllowed() {
        Connect c = (Connect) server(null,
                0x10,                               // CONNECT
                0x14,                               // remaining length 20
                0x00, 0x04, 'M', 'Q', 'T', 'T',     // protocol name
                0x05,                               // level 5
                0x42,                               // flags: password, clean start
                0x00, 0x3C,                         // keep alive
                0x00,                               // property length 0
                0x00, 0x03, 'a', 'b', 'c',          // client id
                0x00, 0x02, 'p', 'w');              // password
        assertThat(c.username()).isNull();
        assertThat(c.password()).containsExactly('p', 'w');
    }

    @Test
    void v5AuthenticationMethodAndData() {
        Connect c = (Connect) server(null,
                0x10,                               // CONNECT
                0x19,                               // remaining length 25
                0x00, 0x04, 'M', 'Q', 'T', 'T',     // protocol name
                0x05,                               // level 5
                0x02,                               // flags: clean start
                0x00, 0x3C,                         // keep alive
                0x09,                               // property length 9
                0x15, 0x00, 0x02, 'm', '1',         //   authentication method "m1"
                0x16, 0x00, 0x01, 0x7F,             //   authentication data 7F
                0x00, 0x03, 'a', 'b', 'c');         // client id
        assertThat(c.authenticationMethod()).isEqualTo("m1");
        assertThat(c.authenticationData()).containsExactly(0x7F);
    }

    // ---- malformed variants ---------------------------------------------------------------------------------

    @Test
    void reservedFlagSet() {
        assertThat(serverFailure(null,
                0x10, 0x0F,                         // CONNECT, remaining length 15
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, // "MQTT" level 4
                0x03,                               // flags: clean session + RESERVED bit
                0x00, 0x3C,                         // keep alive
                0x00, 0x03, 'a', 'b', 'c'))         // client id
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void willQosWithoutWillFlag() {
        assertThat(serverFailure(null,
                0x10, 0x0F,                         // CONNECT, remaining length 15
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, // "MQTT" level 4
                0x0A,                               // flags: will QoS 1 without will flag, clean
                0x00, 0x3C,                         // keep alive
                0x00, 0x03, 'a', 'b', 'c'))         // client id
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void willRetainWithoutWillFlag() {
        assertThat(serverFailure(null,
                0x10, 0x0F,                         // CONNECT, remaining length 15
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, // "MQTT" level 4
                0x22,                               // flags: will retain without will flag, clean
                0x00, 0x3C,                         // keep alive
                0x00, 0x03, 'a', 'b', 'c'))         // client id
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void willQos3() {
        assertThat(serverFailure(null,
                0x10, 0x15,                         // CONNECT, remaining length 21
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, // "MQTT" level 4
                0x1E,                               // flags: will QoS 3, will, clean
                0x00, 0x3C,                         // keep alive
                0x00, 0x03, 'a', 'b', 'c',          // client id
                0x00, 0x01, 'w',                    // will topic
                0x00, 0x01, 'x'))                   // will payload
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void v311PasswordWithoutUsername() {
        assertThat(serverFailure(null,
                0x10, 0x13,                         // CONNECT, remaining length 19
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, // "MQTT" level 4
                0x42,                               // flags: password without user name, clean
                0x00, 0x3C,                         // keep alive
                0x00, 0x03, 'a', 'b', 'c',          // client id
                0x00, 0x02, 'p', 'w'))              // password
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void unknownProtocolName() {
        assertThat(serverFailure(null,
                0x10, 0x0F,                         // CONNECT, remaining length 15
                0x00, 0x04, 'M', 'Q', 'T', 'X',     // protocol name "MQTX"
                0x04, 0x02, 0x00, 0x3C,             // level 4, flags, keep alive
                0x00, 0x03, 'a', 'b', 'c'))         // client id
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void unknownProtocolLevel() {
        assertThat(serverFailure(null,
                0x10, 0x0F,                         // CONNECT, remaining length 15
                0x00, 0x04, 'M', 'Q', 'T', 'T',     // protocol name "MQTT"
                0x06,                               // protocol level 6: unknown
                0x02, 0x00, 0x3C,                   // flags, keep alive
                0x00, 0x03, 'a', 'b', 'c'))         // client id
                .isEqualTo(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION);
    }

    @Test
    void mqttNameWithLevel3() {
        assertThat(serverFailure(null,
                0x10, 0x0F,                         // CONNECT, remaining length 15
                0x00, 0x04, 'M', 'Q', 'T', 'T',     // protocol name "MQTT"
                0x03,                               // protocol level 3 belongs to "MQIsdp"
                0x02, 0x00, 0x3C,                   // flags, keep alive
                0x00, 0x03, 'a', 'b', 'c'))         // client id
                .isEqualTo(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION);
    }

    @Test
    void mqisdpNameWithLevel4() {
        assertThat(serverFailure(null,
                0x10, 0x11,                                   // CONNECT, remaining length 17
                0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',     // protocol name "MQIsdp"
                0x04,                                         // level 4 belongs to "MQTT"
                0x02, 0x00, 0x3C,                             // flags, keep alive
                0x00, 0x03, 'a', 'b', 'c'))                   // client id
                .isEqualTo(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION);
    }

    @Test
    void trailingBytes() {
        assertThat(serverFailure(null,
                0x10, 0x10,                         // CONNECT, remaining length 16
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, // header
                0x00, 0x03, 'a', 'b', 'c',          // client id
                0x00))                              // one byte too many
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void clientIdLongerThanPacket() {
        assertThat(serverFailure(null,
                0x10, 0x0F,                         // CONNECT, remaining length 15
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, // header
                0x00, 0x05, 'a', 'b', 'c'))         // client id claims 5 bytes, 3 present
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void bodyEndsInsideKeepAlive() {
        assertThat(serverFailure(null,
                0x10, 0x09,                         // CONNECT, remaining length 9
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, // name, level, flags
                0x00))                              // keep alive cut short
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void clientIdNotUtf8() {
        assertThat(serverFailure(null,
                0x10, 0x0F,                         // CONNECT, remaining length 15
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, // header
                0x00, 0x03, 0xED, 0xA0, 0x80))      // client id: lone surrogate U+D800
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void willTopicWithWildcard() {
        assertThat(serverFailure(null,
                0x10, 0x15,                         // CONNECT, remaining length 21
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, // "MQTT" level 4
                0x06,                               // flags: will, clean
                0x00, 0x3C,                         // keep alive
                0x00, 0x03, 'a', 'b', 'c',          // client id
                0x00, 0x01, '#',                    // will topic "#"
                0x00, 0x01, 'x'))                   // will payload
                .isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
    }

    @Test
    void v5PropertyNotAllowedInConnect() {
        assertThat(serverFailure(null,
                0x10, 0x13,                         // CONNECT, remaining length 19
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C, // "MQTT" 5, flags, keep alive
                0x03,                               // property length 3
                0x23, 0x00, 0x01,                   //   topic alias: PUBLISH only
                0x00, 0x03, 'a', 'b', 'c'))         // client id
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void v5AuthenticationDataWithoutMethod() {
        assertThat(serverFailure(null,
                0x10, 0x14,                         // CONNECT, remaining length 20
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C, // "MQTT" 5, flags, keep alive
                0x04,                               // property length 4
                0x16, 0x00, 0x01, 0x7F,             //   authentication data without method
                0x00, 0x03, 'a', 'b', 'c'))         // client id
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5ReceiveMaximumZero() {
        assertThat(serverFailure(null,
                0x10, 0x13,                         // CONNECT, remaining length 19
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C, // "MQTT" 5, flags, keep alive
                0x03,                               // property length 3
                0x21, 0x00, 0x00,                   //   receive maximum 0
                0x00, 0x03, 'a', 'b', 'c'))         // client id
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5MaximumPacketSizeZero() {
        assertThat(serverFailure(null,
                0x10, 0x15,                         // CONNECT, remaining length 21
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C, // "MQTT" 5, flags, keep alive
                0x05,                               // property length 5
                0x27, 0x00, 0x00, 0x00, 0x00,       //   maximum packet size 0
                0x00, 0x03, 'a', 'b', 'c'))         // client id
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5DuplicateSessionExpiry() {
        assertThat(serverFailure(null,
                0x10, 0x1A,                         // CONNECT, remaining length 26
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C, // "MQTT" 5, flags, keep alive
                0x0A,                               // property length 10
                0x11, 0x00, 0x00, 0x00, 0x01,       //   session expiry interval 1
                0x11, 0x00, 0x00, 0x00, 0x02,       //   session expiry interval again
                0x00, 0x03, 'a', 'b', 'c'))         // client id
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5RequestProblemInformationTwo() {
        assertThat(serverFailure(null,
                0x10, 0x12,                         // CONNECT, remaining length 18
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C, // "MQTT" 5, flags, keep alive
                0x02,                               // property length 2
                0x17, 0x02,                         //   request problem information 2
                0x00, 0x03, 'a', 'b', 'c'))         // client id
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5RequestResponseInformationTwo() {
        assertThat(serverFailure(null,
                0x10, 0x12,                         // CONNECT, remaining length 18
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C, // "MQTT" 5, flags, keep alive
                0x02,                               // property length 2
                0x19, 0x02,                         //   request response information 2
                0x00, 0x03, 'a', 'b', 'c'))         // client id
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5TopicAliasInWillProperties() {
        assertThat(serverFailure(null,
                0x10, 0x1A,                         // CONNECT, remaining length 26
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, // "MQTT" 5
                0x06,                               // flags: will, clean
                0x00, 0x3C,                         // keep alive
                0x00,                               // property length 0
                0x00, 0x03, 'a', 'b', 'c',          // client id
                0x03,                               // will property length 3
                0x23, 0x00, 0x01,                   //   topic alias: not a will property
                0x00, 0x01, 'w',                    // will topic
                0x00, 0x01, 'x'))                   // will payload
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void v5PropertyLengthBeyondPacket() {
        assertThat(serverFailure(null,
                0x10, 0x10,                         // CONNECT, remaining length 16
                0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C, // "MQTT" 5, flags, keep alive
                0x20,                               // property length 32: more than remains
                0x00, 0x03, 'a', 'b', 'c'))         // client id
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }
}
