package dev.tern.codec.decode;

import dev.tern.codec.MalformedPacketException;
import dev.tern.codec.ReasonCode;
import io.netty.buffer.ByteBuf;

/** Small reading and checking steps the packet decoders share. */
final class Decoding {
    private Decoding() {
    }

    /** Reads a packet identifier that must not be 0 (protocol error otherwise). */
    static int packetId(ByteBuf body) {
        int id = body.readUnsignedShort();
        if (id == 0) {
            throw MalformedPacketException.protocolError("packet identifier 0");
        }
        return id;
    }

    /** Fails with malformed when bytes are left after the last field. */
    static void expectEnd(ByteBuf body, String packet) {
        if (body.isReadable()) {
            throw MalformedPacketException.malformed(
                    body.readableBytes() + " unexpected trailing bytes in " + packet);
        }
    }

    /** A set of allowed reason codes. */
    static boolean[] codes(int... allowed) {
        boolean[] set = new boolean[256];
        for (int c : allowed) {
            set[c] = true;
        }
        return set;
    }

    /** Reads a reason code and fails with a protocol error when it is not in {@code allowed}. */
    static int reasonCode(ByteBuf body, boolean[] allowed, String packet) {
        int code = body.readUnsignedByte();
        checkReason(code, allowed, packet);
        return code;
    }

    static void checkReason(int code, boolean[] allowed, String packet) {
        if (!allowed[code]) {
            throw MalformedPacketException.protocolError(
                    "reason code " + ReasonCode.describe(code) + " not allowed in " + packet);
        }
    }

    /** A topic name must not contain wildcards. Emptiness is checked by the caller. */
    static void checkTopicName(String topic) {
        for (int i = 0, n = topic.length(); i < n; i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#') {
                throw new MalformedPacketException(ReasonCode.TOPIC_NAME_INVALID,
                        "topic name contains wildcard '" + c + "'");
            }
        }
    }
}
