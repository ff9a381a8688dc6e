package dev.tern.codec.decode;

import static dev.tern.codec.Bytes.client;
import static dev.tern.codec.Bytes.server;
import static dev.tern.codec.Bytes.serverFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.PublishProperties;
import dev.tern.codec.packet.UserProperty;
import java.util.List;
import org.junit.jupiter.api.Test;

class PublishDecoderTest {
    private static final MqttVersion V3 = MqttVersion.V3_1_1;
    private static final MqttVersion V5 = MqttVersion.V5;

    @Test
    void v311Qos0() {
        Publish p = (Publish) server(V3,
                0x30,                               // PUBLISH, QoS 0
                0x07,                               // remaining length 7
                0x00, 0x03, 'a', '/', 'b',          // topic "a/b"
                'h', 'i');                          // payload "hi"
        assertThat(p).usingRecursiveComparison().isEqualTo(Publish.of("a/b", 0, false, 0, new byte[] {'h', 'i'}));
    }

    @Test
    void v31Qos2() {
        Publish p = (Publish) server(MqttVersion.V3_1,
                0x34,                               // PUBLISH, QoS 2
                0x07,                               // remaining length 7
                0x00, 0x03, 'a', '/', 'b',          // topic "a/b"
                0x00, 0x07);                        // packet id 7, empty payload
        assertThat(p).usingRecursiveComparison().isEqualTo(Publish.of("a/b", 2, false, 7, new byte[0]));
    }

    @Test
    void v311Qos1DupRetain() {
        Publish p = (Publish) server(V3,
                0x3B,                               // PUBLISH, DUP, QoS 1, RETAIN
                0x09,                               // remaining length 9
                0x00, 0x03, 'a', '/', 'b',          // topic "a/b"
                0x00, 0x0A,                         // packet id 10
                'h', 'i');                          // payload
        assertThat(p).usingRecursiveComparison()
                .isEqualTo(Publish.of("a/b", 1, true, 10, new byte[] {'h', 'i'}).withDup(true));
    }

    @Test
    void v5Qos1WithProperties() {
        Publish p = (Publish) server(V5,
                0x32,                               // PUBLISH, QoS 1
                0x27,                               // remaining length 39
                0x00, 0x03, 'a', '/', 'b',          // topic "a/b"
                0x00, 0x0A,                         // packet id 10
                0x1D,                               // property length 29
                0x01, 0x01,                         //   payload format indicator 1
                0x02, 0x00, 0x00, 0x00, 0x3C,       //   message expiry interval 60
                0x23, 0x00, 0x01,                   //   topic alias 1
                0x08, 0x00, 0x01, 'r',              //   response topic "r"
                0x09, 0x00, 0x01, 0x07,             //   correlation data 07
                0x03, 0x00, 0x01, 't',              //   content type "t"
                0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v', // user property k=v
                'h', 'i');                          // payload
        assertThat(p).usingRecursiveComparison().isEqualTo(new Publish(false, 1, false, "a/b", 10,
                new PublishProperties(1, 60L, 1, "r", new byte[] {7}, "t", List.of(),
                        List.of(new UserProperty("k", "v"))), new byte[] {'h', 'i'}));
    }

    @Test
    void v5NoProperties() {
        Publish p = (Publish) server(V5,
                0x30,                               // PUBLISH, QoS 0
                0x08,                               // remaining length 8
                0x00, 0x03, 'a', '/', 'b',          // topic
                0x00,                               // property length 0
                'h', 'i');                          // payload
        assertThat(p.properties()).isSameAs(PublishProperties.EMPTY);
    }

    @Test
    void v5EmptyTopicWithTopicAlias() {
        Publish p = (Publish) server(V5,
                0x30,                               // PUBLISH, QoS 0
                0x07,                               // remaining length 7
                0x00, 0x00,                         // topic "" (alias stands for it)
                0x03, 0x23, 0x00, 0x05,             // properties: topic alias 5
                'x');                               // payload
        assertThat(p.topic()).isEmpty();
        assertThat(p.properties().topicAlias()).isEqualTo(5);
    }

    @Test
    void fromServerWithSeveralSubscriptionIdentifiers() {
        Publish p = (Publish) client(V5,
                0x30,                               // PUBLISH, QoS 0
                0x0A,                               // remaining length 10
                0x00, 0x01, 't',                    // topic "t"
                0x05,                               // property length 5
                0x0B, 0x01,                         //   subscription identifier 1
                0x0B, 0xAC, 0x02,                   //   subscription identifier 300
                'x');                               // payload
        assertThat(p.properties().subscriptionIdentifiers()).containsExactly(1, 300);
    }

    // ---- malformed variants ---------------------------------------------------------------------------------

    @Test
    void qos3() {
        assertThat(serverFailure(V3,
                0x36,                               // PUBLISH, QoS 3
                0x07, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x01)) // remaining length, topic, packet id
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void dupWithQos0() {
        assertThat(serverFailure(V3,
                0x38,                               // PUBLISH, DUP, QoS 0
                0x05, 0x00, 0x03, 'a', '/', 'b'))   // remaining length, topic
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void topicWithPlus() {
        assertThat(serverFailure(V3,
                0x30, 0x05,                         // PUBLISH QoS 0, remaining length 5
                0x00, 0x03, 'a', '/', '+'))         // topic "a/+"
                .isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
    }

    @Test
    void topicWithHash() {
        assertThat(serverFailure(V5,
                0x30, 0x04,                         // PUBLISH QoS 0, remaining length 4
                0x00, 0x01, '#',                    // topic "#"
                0x00))                              // property length 0
                .isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
    }

    @Test
    void v5EmptyTopicWithoutAliasIsAProtocolError() {
        assertThat(serverFailure(V5,
                0x30, 0x04,                         // PUBLISH QoS 0, remaining length 4
                0x00, 0x00,                         // topic ""
                0x00,                               // property length 0: no topic alias
                'x'))                               // payload
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v311EmptyTopic() {
        assertThat(serverFailure(V3,
                0x30, 0x03,                         // PUBLISH QoS 0, remaining length 3
                0x00, 0x00,                         // topic ""
                'x'))                               // payload
                .isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
    }

    @Test
    void packetIdZero() {
        assertThat(serverFailure(V3,
                0x32, 0x07,                         // PUBLISH QoS 1, remaining length 7
                0x00, 0x03, 'a', '/', 'b',          // topic
                0x00, 0x00))                        // packet id 0
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void topicNotUtf8() {
        assertThat(serverFailure(V3,
                0x30, 0x04,                         // PUBLISH QoS 0, remaining length 4
                0x00, 0x02, 0xC0, 0xAF))            // topic: overlong '/'
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void topicLongerThanPacket() {
        assertThat(serverFailure(V3,
                0x30, 0x03,                         // PUBLISH QoS 0, remaining length 3
                0x00, 0x09, 'a'))                   // topic claims 9 bytes
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void v5SubscriptionIdentifierFromClient() {
        assertThat(serverFailure(V5,
                0x30, 0x06,                         // PUBLISH QoS 0, remaining length 6
                0x00, 0x01, 't',                    // topic
                0x02, 0x0B, 0x01))                  // properties: subscription identifier 1
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5TopicAliasZero() {
        assertThat(serverFailure(V5,
                0x30, 0x07,                         // PUBLISH QoS 0, remaining length 7
                0x00, 0x01, 't',                    // topic
                0x03, 0x23, 0x00, 0x00))            // properties: topic alias 0
                .isEqualTo(ReasonCode.TOPIC_ALIAS_INVALID);
    }

    @Test
    void v5PayloadFormatIndicatorTwo() {
        assertThat(serverFailure(V5,
                0x30, 0x06,                         // PUBLISH QoS 0, remaining length 6
                0x00, 0x01, 't',                    // topic
                0x02, 0x01, 0x02))                  // properties: payload format indicator 2
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5DuplicateMessageExpiry() {
        assertThat(serverFailure(V5,
                0x30, 0x0E,                         // PUBLISH QoS 0, remaining length 14
                0x00, 0x01, 't',                    // topic
                0x0A,                               // property length 10
                0x02, 0x00, 0x00, 0x00, 0x01,       //   message expiry interval 1
                0x02, 0x00, 0x00, 0x00, 0x01))      //   message expiry interval again
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5PropertyNotAllowedInPublish() {
        assertThat(serverFailure(V5,
                0x30, 0x09,                         // PUBLISH QoS 0, remaining length 9
                0x00, 0x01, 't',                    // topic
                0x05,                               // property length 5
                0x11, 0x00, 0x00, 0x00, 0x01))      //   session expiry interval: CONNECT etc. only
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void v5UnknownPropertyIdentifier() {
        assertThat(serverFailure(V5,
                0x30, 0x06,                         // PUBLISH QoS 0, remaining length 6
                0x00, 0x01, 't',                    // topic
                0x02, 0x7F, 0x00))                  // properties: identifier 0x7F is undefined
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void v5PropertyRunsPastPropertyLength() {
        assertThat(serverFailure(V5,
                0x30, 0x0B,                         // PUBLISH QoS 0, remaining length 11
                0x00, 0x01, 't',                    // topic
                0x03,                               // property length 3 ...
                0x02, 0x00, 0x00, 0x00, 0x3C,       // ... but message expiry needs 5
                'h', 'i'))                          // payload
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }
}
