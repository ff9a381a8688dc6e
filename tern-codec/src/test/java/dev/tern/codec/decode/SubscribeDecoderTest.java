package dev.tern.codec.decode;

import static dev.tern.codec.Bytes.server;
import static dev.tern.codec.Bytes.serverFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.Subscribe;
import dev.tern.codec.packet.Subscription;
import dev.tern.codec.packet.Unsubscribe;
import dev.tern.codec.packet.UserProperty;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubscribeDecoderTest {
    private static final MqttVersion V3 = MqttVersion.V3_1_1;
    private static final MqttVersion V5 = MqttVersion.V5;

    @Test
    void v311Subscribe() {
        assertThat(server(V3,
                0x82,                               // SUBSCRIBE, flags 0010
                0x0C,                               // remaining length 12
                0x00, 0x0A,                         // packet id 10
                0x00, 0x03, 'a', '/', '#', 0x01,    // filter "a/#", QoS 1
                0x00, 0x01, 'b', 0x00))             // filter "b", QoS 0
                .isEqualTo(new Subscribe(10, null, List.of(),
                        List.of(Subscription.of("a/#", 1), Subscription.of("b", 0))));
    }

    @Test
    void v311InvalidFilterSyntaxIsLeftToTheBroker() {
        assertThat(server(V3,
                0x82, 0x09,                         // SUBSCRIBE, remaining length 9
                0x00, 0x01,                         // packet id 1
                0x00, 0x04, 'a', '#', '/', 'b',     // filter "a#/b": invalid, but not the codec's business
                0x02))                              // QoS 2
                .isEqualTo(new Subscribe(1, null, List.of(), List.of(Subscription.of("a#/b", 2))));
    }

    @Test
    void v5SubscribeWithOptionsAndProperties() {
        assertThat(server(V5,
                0x82,                               // SUBSCRIBE
                0x10,                               // remaining length 16
                0x00, 0x0A,                         // packet id 10
                0x09,                               // property length 9
                0x0B, 0x05,                         //   subscription identifier 5
                0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v', // user property k=v
                0x00, 0x01, 'a',                    // filter "a"
                0x2D))                              // options: retain handling 2, RAP, no local, QoS 1
                .isEqualTo(new Subscribe(10, 5, List.of(new UserProperty("k", "v")),
                        List.of(new Subscription("a", 1, true, true, 2))));
    }

    @Test
    void v311Unsubscribe() {
        assertThat(server(V3,
                0xA2,                               // UNSUBSCRIBE, flags 0010
                0x0A,                               // remaining length 10
                0x00, 0x0A,                         // packet id 10
                0x00, 0x01, 'a',                    // filter "a"
                0x00, 0x03, 'b', '/', '+'))         // filter "b/+"
                .isEqualTo(new Unsubscribe(10, List.of(), List.of("a", "b/+")));
    }

    @Test
    void v5Unsubscribe() {
        assertThat(server(V5,
                0xA2, 0x06,                         // UNSUBSCRIBE, remaining length 6
                0x00, 0x0A,                         // packet id 10
                0x00,                               // property length 0
                0x00, 0x01, 'a'))                   // filter "a"
                .isEqualTo(new Unsubscribe(10, List.of(), List.of("a")));
    }

    // ---- malformed variants ---------------------------------------------------------------------------------

    @Test
    void subscribeWithoutFilters() {
        assertThat(serverFailure(V3, 0x82, 0x02, 0x00, 0x0A)) // SUBSCRIBE, only packet id
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void subscribeWrongFlags() {
        assertThat(serverFailure(V3, 0x80, 0x06, 0x00, 0x0A, 0x00, 0x01, 'a', 0x00)) // SUBSCRIBE flags 0000
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void subscribePacketIdZero() {
        assertThat(serverFailure(V3, 0x82, 0x06, 0x00, 0x00, 0x00, 0x01, 'a', 0x00)) // packet id 0
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v311ReservedOptionBits() {
        assertThat(serverFailure(V3, 0x82, 0x06, 0x00, 0x0A, 0x00, 0x01, 'a', 0x04)) // options 0000 0100
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void subscriptionQos3() {
        assertThat(serverFailure(V3, 0x82, 0x06, 0x00, 0x0A, 0x00, 0x01, 'a', 0x03)) // QoS 3
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void filterWithoutOptionsByte() {
        assertThat(serverFailure(V3, 0x82, 0x05, 0x00, 0x0A, 0x00, 0x01, 'a')) // options byte missing
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void filterNotUtf8() {
        assertThat(serverFailure(V3, 0x82, 0x06, 0x00, 0x0A, 0x00, 0x01, 0x00, 0x00)) // filter is U+0000
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void v5ReservedOptionBits() {
        assertThat(serverFailure(V5,
                0x82, 0x07, 0x00, 0x0A, 0x00,       // SUBSCRIBE, rl 7, packet id, no properties
                0x00, 0x01, 'a', 0x40))             // options with reserved bit 6
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void v5RetainHandling3() {
        assertThat(serverFailure(V5,
                0x82, 0x07, 0x00, 0x0A, 0x00,       // SUBSCRIBE, rl 7, packet id, no properties
                0x00, 0x01, 'a', 0x30))             // options: retain handling 3
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5NoLocalOnSharedSubscription() {
        assertThat(serverFailure(V5,
                0x82, 0x10, 0x00, 0x0A, 0x00,       // SUBSCRIBE, rl 16, packet id, no properties
                0x00, 0x0A, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', '/', 't', // filter "$share/g/t"
                0x04))                              // options: no local
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5SubscriptionIdentifierZero() {
        assertThat(serverFailure(V5,
                0x82, 0x09, 0x00, 0x0A,             // SUBSCRIBE, rl 9, packet id
                0x02, 0x0B, 0x00,                   // properties: subscription identifier 0
                0x00, 0x01, 'a', 0x00))             // filter
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5TwoSubscriptionIdentifiers() {
        assertThat(serverFailure(V5,
                0x82, 0x0B, 0x00, 0x0A,             // SUBSCRIBE, rl 11, packet id
                0x04, 0x0B, 0x01, 0x0B, 0x02,       // properties: subscription identifier 1 and 2
                0x00, 0x01, 'a', 0x00))             // filter
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5SubscriptionIdentifierFiveBytes() {
        assertThat(serverFailure(V5,
                0x82, 0x0D, 0x00, 0x0A,             // SUBSCRIBE, rl 13, packet id
                0x06, 0x0B, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, // subscription identifier in 5 bytes
                0x00, 0x01, 'a', 0x00))             // filter
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void unsubscribeWithoutFilters() {
        assertThat(serverFailure(V5, 0xA2, 0x03, 0x00, 0x0A, 0x00)) // UNSUBSCRIBE, packet id, no properties
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void unsubscribeWrongFlags() {
        assertThat(serverFailure(V3, 0xA0, 0x05, 0x00, 0x0A, 0x00, 0x01, 'a')) // UNSUBSCRIBE flags 0000
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void unsubscribePacketIdZero() {
        assertThat(serverFailure(V3, 0xA2, 0x05, 0x00, 0x00, 0x00, 0x01, 'a')) // packet id 0
                .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void v5UnsubscribeWithReasonString() {
        assertThat(serverFailure(V5,
                0xA2, 0x0A, 0x00, 0x0A,             // UNSUBSCRIBE, rl 10, packet id
                0x04, 0x1F, 0x00, 0x01, 'x',        // properties: reason string (not allowed)
                0x00, 0x01, 'a'))                   // filter
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }
}
