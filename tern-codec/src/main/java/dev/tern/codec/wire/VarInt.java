package dev.tern.codec.wire;

import dev.tern.codec.MalformedPacketException;
import io.netty.buffer.ByteBuf;

/**
 * The MQTT Variable Byte Integer (spec 1.5.5): 7 bits per byte, least significant group first, at most four
 * bytes, values 0..268,435,455. Encodings longer than necessary are rejected as malformed.
 */
public final class VarInt {
    /** The largest value a Variable Byte Integer can hold. */
    public static final int MAX_VALUE = 268_435_455;
    /** Returned by {@link #peek} when the buffer does not yet hold the whole integer. */
    public static final int INCOMPLETE = -1;

    private VarInt() {
    }

    /** Reads a Variable Byte Integer at the reader index and advances past it. */
    public static int read(ByteBuf buf) {
        int value = peek(buf, buf.readerIndex(), buf.writerIndex());
        if (value == INCOMPLETE) {
            throw MalformedPacketException.malformed("variable byte integer truncated");
        }
        buf.skipBytes(size(value));
        return value;
    }

    /**
     * Decodes a Variable Byte Integer starting at {@code index} without moving the reader index.
     *
     * @param limit the index one past the last byte that may be looked at
     * @return the value, or {@link #INCOMPLETE} when fewer bytes than needed are available before {@code limit}
     * @throws MalformedPacketException when more than four bytes are used or the encoding is not minimal
     */
    public static int peek(ByteBuf buf, int index, int limit) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            if (index + i >= limit) {
                return INCOMPLETE;
            }
            int b = buf.getUnsignedByte(index + i);
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw MalformedPacketException.malformed("variable byte integer not minimally encoded");
                }
                return value;
            }
        }
        throw MalformedPacketException.malformed("variable byte integer longer than 4 bytes");
    }

    /** The number of bytes {@code value} takes on the wire (1..4). */
    public static int size(int value) {
        if (value < 0 || value > MAX_VALUE) {
            throw new IllegalArgumentException("variable byte integer out of range: " + value);
        }
        if (value < 128) {
            return 1;
        }
        if (value < 16_384) {
            return 2;
        }
        return value < 2_097_152 ? 3 : 4;
    }

    /** Writes {@code value} in its minimal form. */
    public static void write(ByteBuf buf, int value) {
        if (value < 0 || value > MAX_VALUE) {
            throw new IllegalArgumentException("variable byte integer out of range: " + value);
        }
        do {
            int b = value & 0x7F;
            value >>>= 7;
            buf.writeByte(value > 0 ? b | 0x80 : b);
        } while (value > 0);
    }
}
