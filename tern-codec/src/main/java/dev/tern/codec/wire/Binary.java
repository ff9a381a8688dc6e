package dev.tern.codec.wire;

import dev.tern.codec.MalformedPacketException;
import io.netty.buffer.ByteBuf;

/** MQTT Binary Data (spec 1.5.6): a two-byte big-endian length followed by that many bytes. */
public final class Binary {
    /** The longest binary value the two-byte length prefix can describe. */
    public static final int MAX_BYTES = 65_535;

    private Binary() {
    }

    /** Reads a length-prefixed byte array. */
    public static byte[] read(ByteBuf buf) {
        int length = buf.readUnsignedShort();
        if (length > buf.readableBytes()) {
            throw MalformedPacketException.malformed("binary length " + length + " exceeds remaining bytes");
        }
        byte[] bytes = new byte[length];
        buf.readBytes(bytes);
        return bytes;
    }

    /** Bytes the value takes on the wire, including the two-byte length prefix. */
    public static int encodedLength(byte[] data) {
        if (data.length > MAX_BYTES) {
            throw new IllegalArgumentException("binary data longer than 65535 bytes");
        }
        return 2 + data.length;
    }

    /** Writes the length prefix and the bytes. */
    public static void write(ByteBuf buf, byte[] data) {
        if (data.length > MAX_BYTES) {
            throw new IllegalArgumentException("binary data longer than 65535 bytes");
        }
        buf.writeShort(data.length);
        buf.writeBytes(data);
    }
}
