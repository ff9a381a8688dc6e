package dev.tern.codec.wire;

import dev.tern.codec.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/**
 * The MQTT UTF-8 Encoded String (spec 1.5.4): a two-byte big-endian length followed by that many bytes of
 * well-formed UTF-8. Reading is strict: overlong forms, surrogate code points (U+D800..U+DFFF), code points above
 * U+10FFFF and U+0000 are all malformed. Pure ASCII takes a fast path.
 */
public final class Utf8 {
    /** The longest string the two-byte length prefix can describe, in bytes. */
    public static final int MAX_BYTES = 65_535;

    private Utf8() {
    }

    /** Reads a length-prefixed string, failing with a malformed-packet error on any encoding violation. */
    public static String read(ByteBuf buf) {
        int length = buf.readUnsignedShort();
        if (length > buf.readableBytes()) {
            throw MalformedPacketException.malformed("string length " + length + " exceeds remaining bytes");
        }
        if (length == 0) {
            return "";
        }
        byte[] bytes = new byte[length];
        buf.readBytes(bytes);
        if (isAscii(bytes)) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        if (!isValidMqttString(bytes, 0, length)) {
            throw MalformedPacketException.malformed("string is not well-formed UTF-8 or contains U+0000");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** True when every byte is a non-zero ASCII character. */
    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b <= 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when {@code bytes[offset, offset+length)} is well-formed UTF-8 (Unicode table 3-7) without U+0000.
     * Also usable to check a payload announced as UTF-8 by the Payload Format Indicator.
     */
    public static boolean isValidMqttString(byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                if (b == 0) {
                    return false;
                }
                i++;
                continue;
            }
            int needed;
            int lo = 0x80;
            int hi = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                needed = 1;
            } else if (b == 0xE0) {
                needed = 2;
                lo = 0xA0;
            } else if (b == 0xED) {
                needed = 2;
                hi = 0x9F;
            } else if (b >= 0xE1 && b <= 0xEF) {
                needed = 2;
            } else if (b == 0xF0) {
                needed = 3;
                lo = 0x90;
            } else if (b >= 0xF1 && b <= 0xF3) {
                needed = 3;
            } else if (b == 0xF4) {
                needed = 3;
                hi = 0x8F;
            } else {
                return false;
            }
            if (i + needed >= end) {
                return false;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < lo || second > hi) {
                return false;
            }
            for (int k = 2; k <= needed; k++) {
                int c = bytes[i + k] & 0xFF;
                if (c < 0x80 || c > 0xBF) {
                    return false;
                }
            }
            i += needed + 1;
        }
        return true;
    }

    /** Bytes the string takes on the wire, including the two-byte length prefix. */
    public static int encodedLength(String s) {
        int n = ByteBufUtil.utf8Bytes(s);
        if (n > MAX_BYTES) {
            throw new IllegalArgumentException("string longer than 65535 bytes in UTF-8");
        }
        return 2 + n;
    }

    /** Writes the length prefix and the UTF-8 bytes; the string is not re-validated. */
    public static void write(ByteBuf buf, String s) {
        int n = ByteBufUtil.utf8Bytes(s);
        if (n > MAX_BYTES) {
            throw new IllegalArgumentException("string longer than 65535 bytes in UTF-8");
        }
        buf.writeShort(n);
        ByteBufUtil.reserveAndWriteUtf8(buf, s, n);
    }
}
