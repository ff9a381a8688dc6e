package dev.tern.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tern.codec.decode.MqttDecoder;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.wire.VarInt;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Test helpers: byte arrays written as int lists, and decoding a whole packet from them. */
public final class Bytes {
    private Bytes() {
    }

    public static byte[] of(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    public static ByteBuf buf(int... values) {
        return Unpooled.wrappedBuffer(of(values));
    }

    /** Decodes a whole packet (fixed header included); checks the remaining length matches the array. */
    public static MqttPacket decode(MqttDecoder decoder, MqttVersion version, int... packet) {
        ByteBuf buf = buf(packet);
        try {
            int first = buf.readUnsignedByte();
            int remaining = VarInt.read(buf);
            assertThat(buf.readableBytes()).as("remaining length of the test array").isEqualTo(remaining);
            MqttPacket p = decoder.decode(first, buf, version);
            assertThat(buf.isReadable()).as("body consumed").isFalse();
            return p;
        } finally {
            buf.release();
        }
    }

    /** Decodes a whole packet that must fail; returns the reason code. */
    public static int failure(MqttDecoder decoder, MqttVersion version, int... packet) {
        try {
            MqttPacket p = decode(decoder, version, packet);
            return fail("expected a MalformedPacketException but decoded " + p);
        } catch (MalformedPacketException e) {
            return e.reasonCode();
        }
    }

    public static MqttPacket server(MqttVersion version, int... packet) {
        return decode(MqttDecoder.forServer(), version, packet);
    }

    public static int serverFailure(MqttVersion version, int... packet) {
        return failure(MqttDecoder.forServer(), version, packet);
    }

    public static MqttPacket client(MqttVersion version, int... packet) {
        return decode(MqttDecoder.forClient(), version, packet);
    }

    public static int clientFailure(MqttVersion version, int... packet) {
        return failure(MqttDecoder.forClient(), version, packet);
    }
}
