package dev.tern.codec.encode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.decode.MqttDecoder;
import dev.tern.codec.packet.Auth;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.packet.PingReq;
import dev.tern.codec.packet.PingResp;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.PubComp;
import dev.tern.codec.packet.PubRec;
import dev.tern.codec.packet.PubRel;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.PublishProperties;
import dev.tern.codec.packet.SubAck;
import dev.tern.codec.packet.Subscribe;
import dev.tern.codec.packet.Subscription;
import dev.tern.codec.packet.UnsubAck;
import dev.tern.codec.packet.Unsubscribe;
import dev.tern.codec.packet.UserProperty;
import dev.tern.codec.packet.Will;
import dev.tern.codec.wire.VarInt;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Encoding then decoding gives back an equal packet, for every packet type and version. */
class RoundTripTest {
    private static final List<UserProperty> UPS = List.of(new UserProperty("k", "v"), new UserProperty("k", "\u20AC"));
    private static final byte[] PAYLOAD = "payload \u00E9".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /** Packets every version has, sent by clients (c) or servers (s). */
    static Stream<Arguments> v3Packets() {
        return Stream.of(MqttVersion.V3_1, MqttVersion.V3_1_1).flatMap(v -> Stream.of(
                Arguments.of(v, true, Connect.of(v, "client-\u00E9", true, 30)),
                Arguments.of(v, true, new Connect(v, "c", false, 0, "user", new byte[] {1, 2}, new Will("w/t",
                        new byte[] {3}, 2, true, 0, PublishProperties.EMPTY), 0, 65_535, 0, 0, false, true, null,
                        null, List.of())),
                Arguments.of(v, false, Connack.of(true, 0)),
                Arguments.of(v, false, Connack.of(false, 5)),
                Arguments.of(v, true, Publish.of("a/b", 0, false, 0, PAYLOAD)),
                Arguments.of(v, false, Publish.of("a/b", 2, true, 65_535, new byte[0]).withDup(true)),
                Arguments.of(v, true, PubAck.of(1)),
                Arguments.of(v, false, PubRec.of(2)),
                Arguments.of(v, true, PubRel.of(3)),
                Arguments.of(v, false, PubComp.of(4)),
                Arguments.of(v, true, new Subscribe(5, null, List.of(),
                        List.of(Subscription.of("a/#", 1), Subscription.of("+/b", 2)))),
                Arguments.of(v, false, new SubAck(5, null, List.of(), List.of(1, 2, 0x80))),
                Arguments.of(v, true, new Unsubscribe(6, List.of(), List.of("a/#", "x"))),
                Arguments.of(v, false, new UnsubAck(6, null, List.of(), List.of())),
                Arguments.of(v, true, PingReq.INSTANCE),
                Arguments.of(v, false, PingResp.INSTANCE),
                Arguments.of(v, true, Disconnect.NORMAL)));
    }

    static Stream<Arguments> v5Packets() {
        MqttVersion v = MqttVersion.V5;
        PublishProperties full = new PublishProperties(1, 3600L, 7, "resp/t", new byte[] {9, 8}, "text/plain",
                List.of(), UPS);
        return Stream.of(
                Arguments.of(v, true, Connect.of(v, "", true, 0)),
                Arguments.of(v, true, new Connect(v, "c", false, 65_535, null, new byte[] {1}, new Will("w",
                        PAYLOAD, 1, false, 30, full.withTopicAlias(null)), 4_294_967_295L, 100, 1_000_000, 10,
                        true, false, "SCRAM", new byte[] {0, 1}, UPS)),
                Arguments.of(v, false, Connack.of(false, 0x87)),
                Arguments.of(v, false, new Connack(true, 0, 60L, 20, 1, false, 256L, "id", 10, "ok", true, false,
                        true, 30, "r", "s", "m", new byte[] {9}, UPS)),
                Arguments.of(v, true, Publish.of("a/b", 1, false, 9, PAYLOAD)),
                Arguments.of(v, true, new Publish(false, 2, true, "a/b", 10, full, PAYLOAD)),
                Arguments.of(v, true, new Publish(false, 0, false, "", 0, PublishProperties.EMPTY.withTopicAlias(3),
                        PAYLOAD)),
                Arguments.of(v, false, new Publish(true, 1, false, "s", 11,
                        PublishProperties.EMPTY.withSubscriptionIdentifiers(List.of(1, 268_435_455)), PAYLOAD)),
                Arguments.of(v, true, PubAck.of(1)),
                Arguments.of(v, true, PubAck.of(1, 0x10)),
                Arguments.of(v, false, new PubRec(2, 0x80, "why", UPS)),
                Arguments.of(v, true, new PubRel(3, 0x92, null, List.of())),
                Arguments.of(v, false, new PubComp(4, 0, null, UPS)),
                Arguments.of(v, true, new Subscribe(5, 268_435_455, UPS,
                        List.of(new Subscription("a", 2, true, true, 2), Subscription.of("$share/g/b", 0)))),
                Arguments.of(v, false, new SubAck(5, "r", UPS, List.of(0, 1, 2, 0x8F, 0xA2))),
                Arguments.of(v, true, new Unsubscribe(6, UPS, List.of("a"))),
                Arguments.of(v, false, new UnsubAck(6, "r", List.of(), List.of(0, 0x11))),
                Arguments.of(v, true, PingReq.INSTANCE),
                Arguments.of(v, false, PingResp.INSTANCE),
                Arguments.of(v, true, Disconnect.NORMAL),
                Arguments.of(v, true, Disconnect.of(4)),
                Arguments.of(v, true, new Disconnect(0, 100L, "bye", null, UPS)),
                Arguments.of(v, false, new Disconnect(0x9C, null, "moved", "other:1883", List.of())),
                Arguments.of(v, true, new Auth(0, null, null, null, List.of())),
                Arguments.of(v, false, new Auth(0x18, "SCRAM", new byte[] {1, 2, 3}, "more", UPS)));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource({"v3Packets", "v5Packets"})
    void roundTrip(MqttVersion version, boolean fromClient, MqttPacket packet) {
        ByteBuf buf = MqttEncoder.encode(ByteBufAllocator.DEFAULT, packet, version);
        try {
            assertThat(buf.readableBytes()).isEqualTo(MqttEncoder.encodedSize(packet, version));
            int first = buf.readUnsignedByte();
            int remaining = VarInt.read(buf);
            assertThat(buf.readableBytes()).isEqualTo(remaining);
            MqttDecoder decoder = fromClient ? MqttDecoder.forServer() : MqttDecoder.forClient();
            MqttPacket decoded = decoder.decode(first, buf, packet instanceof Connect ? null : version);
            assertThat(buf.isReadable()).isFalse();
            assertThat(decoded).usingRecursiveComparison().isEqualTo(packet);
        } finally {
            buf.release();
        }
    }
}
