package dev.tern.benchmarks.codec;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.decode.MqttDecoder;
import dev.tern.codec.encode.MqttEncoder;
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
import dev.tern.codec.wire.VarInt;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One representative packet of every type, in the versions that matter, as the codec benchmarks feed them: the
 * packet value (for encoding), its exact wire bytes (for decoding) and which side decodes it (the broker decodes
 * what clients send, the client role what servers send).
 *
 * <p>PUBLISH samples carry a 64-byte payload on a five-level topic; the MQTT 5 ones carry the properties a
 * real application sets (message expiry, content type, a correlation id, one user property).
 */
public enum PacketSample {
    CONNECT_311(MqttVersion.V3_1_1, true, new Connect(MqttVersion.V3_1_1, "sensor-0000042", true, 60,
            "device-42", bytes("s3cr3t-pa55w0rd"), null, 0, 65535, 0, 0, false, true, null, null, List.of())),
    CONNECT_5(MqttVersion.V5, true, new Connect(MqttVersion.V5, "sensor-0000042", true, 60,
            "device-42", bytes("s3cr3t-pa55w0rd"), null, 3600, 64, 1_048_576, 16, false, true, null, null,
            List.of(new UserProperty("fw", "1.4.2")))),
    CONNACK_311(MqttVersion.V3_1_1, false, Connack.of(false, 0)),
    CONNACK_5(MqttVersion.V5, false, new Connack(false, 0, null, 128, null, null, 2_000_000L, null, 64, null,
            null, null, null, null, null, null, null, null, List.of())),
    PUBLISH_QOS0_311(MqttVersion.V3_1_1, true, publish(0, PublishProperties.EMPTY)),
    PUBLISH_QOS1_311(MqttVersion.V3_1_1, true, publish(1, PublishProperties.EMPTY)),
    PUBLISH_QOS0_5(MqttVersion.V5, true, publish(0, v5Properties())),
    PUBLISH_QOS1_5(MqttVersion.V5, true, publish(1, v5Properties())),
    PUBACK_311(MqttVersion.V3_1_1, true, PubAck.of(4242)),
    /** MQTT 5 short form: success without properties is just the packet id, as most acknowledgements are. */
    PUBACK_5(MqttVersion.V5, true, PubAck.of(4242)),
    PUBREC_311(MqttVersion.V3_1_1, true, PubRec.of(4242)),
    PUBREL_311(MqttVersion.V3_1_1, true, PubRel.of(4242)),
    PUBCOMP_311(MqttVersion.V3_1_1, true, PubComp.of(4242)),
    SUBSCRIBE_311(MqttVersion.V3_1_1, true, new Subscribe(7, null, List.of(),
            List.of(Subscription.of("tenant/42/device/+/temp", 1)))),
    SUBSCRIBE_5(MqttVersion.V5, true, new Subscribe(7, 12, List.of(),
            List.of(new Subscription("tenant/42/device/+/temp", 1, true, false, 1),
                    new Subscription("tenant/42/alerts/#", 2, false, true, 0)))),
    SUBACK_311(MqttVersion.V3_1_1, false, new SubAck(7, null, List.of(), List.of(1))),
    SUBACK_5(MqttVersion.V5, false, new SubAck(7, null, List.of(), List.of(1, 2))),
    UNSUBSCRIBE_311(MqttVersion.V3_1_1, true, new Unsubscribe(8, List.of(), List.of("tenant/42/device/+/temp"))),
    UNSUBACK_5(MqttVersion.V5, false, new UnsubAck(8, null, List.of(), List.of(0))),
    PINGREQ(MqttVersion.V3_1_1, true, PingReq.INSTANCE),
    PINGRESP(MqttVersion.V3_1_1, false, PingResp.INSTANCE),
    DISCONNECT_311(MqttVersion.V3_1_1, true, Disconnect.NORMAL),
    DISCONNECT_5(MqttVersion.V5, true, new Disconnect(0x04, 0L, null, null, List.of())),
    AUTH_5(MqttVersion.V5, true, new Auth(0x18, "SCRAM-SHA-256", bytes("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"),
            null, List.of()));

    /** Payload size of the PUBLISH samples, as in the broker comparison (issue 6). */
    public static final int PAYLOAD_BYTES = 64;

    private final MqttVersion version;
    private final boolean fromClient;
    private final MqttPacket packet;

    PacketSample(MqttVersion version, boolean fromClient, MqttPacket packet) {
        this.version = version;
        this.fromClient = fromClient;
        this.packet = packet;
    }

    public MqttVersion version() {
        return version;
    }

    public MqttPacket packet() {
        return packet;
    }

    /** The decoder of the side that receives this packet. */
    public MqttDecoder decoder() {
        return fromClient ? MqttDecoder.forServer() : MqttDecoder.forClient();
    }

    /** The whole packet as it travels on the wire, fixed header included. */
    public byte[] wireBytes() {
        ByteBuf buf = Unpooled.buffer(MqttEncoder.encodedSize(packet, version));
        MqttEncoder.encode(packet, version, buf);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    /** The first byte of the fixed header (type and flags). */
    public int firstByte() {
        return wireBytes()[0] & 0xFF;
    }

    /** The body: what follows the fixed header (the remaining-length bytes), as the frame decoder hands it over. */
    public byte[] body() {
        byte[] wire = wireBytes();
        ByteBuf buf = Unpooled.wrappedBuffer(wire);
        buf.skipBytes(1);
        int remaining = VarInt.read(buf);
        return Arrays.copyOfRange(wire, buf.readerIndex(), buf.readerIndex() + remaining);
    }

    private static Publish publish(int qos, PublishProperties properties) {
        byte[] payload = new byte[PAYLOAD_BYTES];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        return new Publish(false, qos, false, "tenant/42/device/17/temp", qos == 0 ? 0 : 4242, properties, payload);
    }

    private static PublishProperties v5Properties() {
        return new PublishProperties(1, 60L, null, "tenant/42/device/17/reply", bytes("req-000123"),
                "application/json", List.of(), List.of(new UserProperty("trace", "a1b2c3d4")));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
