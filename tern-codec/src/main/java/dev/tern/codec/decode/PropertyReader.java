package dev.tern.codec.decode;

import dev.tern.codec.MalformedPacketException;
import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.UserProperty;
import dev.tern.codec.wire.Binary;
import dev.tern.codec.wire.Property;
import dev.tern.codec.wire.Utf8;
import dev.tern.codec.wire.VarInt;
import io.netty.buffer.ByteBuf;

/**
 * Reads an MQTT 5 property block: the property length, then identifier/value pairs. Enforces that every
 * identifier is known and allowed in the packet (malformed), that nothing but User Property (and, where asked,
 * Subscription Identifier) repeats (protocol error), the value ranges the spec fixes (protocol error), and that the
 * properties fill exactly the declared length (malformed).
 */
final class PropertyReader {
    private PropertyReader() {
    }

    /**
     * @param scope a packet type code or {@link Property#WILL_SCOPE}
     * @param repeatableSubscriptionIds whether Subscription Identifier may occur more than once (server-to-client
     *     PUBLISH)
     */
    static DecodedProperties read(ByteBuf buf, int scope, boolean repeatableSubscriptionIds) {
        int length = VarInt.read(buf);
        if (length > buf.readableBytes()) {
            throw MalformedPacketException.malformed("property length " + length + " exceeds remaining bytes");
        }
        if (length == 0) {
            return DecodedProperties.EMPTY;
        }
        int savedWriterIndex = buf.writerIndex();
        buf.writerIndex(buf.readerIndex() + length);
        try {
            DecodedProperties props = new DecodedProperties();
            while (buf.isReadable()) {
                readOne(buf, scope, repeatableSubscriptionIds, props);
            }
            return props;
        } catch (IndexOutOfBoundsException e) {
            throw MalformedPacketException.malformed("property value runs past the property length");
        } finally {
            buf.writerIndex(savedWriterIndex);
        }
    }

    private static void readOne(ByteBuf buf, int scope, boolean repeatableSubscriptionIds, DecodedProperties props) {
        int id = VarInt.read(buf);
        Property p = Property.ofId(id);
        if (p == null) {
            throw MalformedPacketException.malformed(String.format("unknown property identifier 0x%02X", id));
        }
        if (!p.allowedIn(scope)) {
            throw MalformedPacketException.malformed("property " + p + " not allowed in " + scopeName(scope));
        }
        switch (p) {
            case USER_PROPERTY -> {
                String name = Utf8.read(buf);
                props.addUserProperty(new UserProperty(name, Utf8.read(buf)));
                return;
            }
            case SUBSCRIPTION_IDENTIFIER -> {
                int subId = VarInt.read(buf);
                if (subId == 0) {
                    throw MalformedPacketException.protocolError("subscription identifier 0");
                }
                if (!props.subscriptionIdentifiers().isEmpty() && !repeatableSubscriptionIds) {
                    throw duplicate(p);
                }
                props.addSubscriptionIdentifier(subId);
                return;
            }
            default -> {
                // single-valued properties below
            }
        }
        if (props.has(p)) {
            throw duplicate(p);
        }
        Object value = switch (p.type()) {
            case BYTE -> checkByte(p, buf.readUnsignedByte());
            case TWO_BYTE -> checkTwoByte(p, buf.readUnsignedShort());
            case FOUR_BYTE -> checkFourByte(p, buf.readUnsignedInt());
            case UTF8 -> Utf8.read(buf);
            case BINARY -> Binary.read(buf);
            case VAR_INT, UTF8_PAIR -> throw new IllegalStateException("handled above: " + p);
        };
        props.put(p, value);
    }

    /** Every one-byte property is a 0/1 flag or a QoS limited to 0/1. */
    private static Integer checkByte(Property p, int value) {
        if (value > 1) {
            throw MalformedPacketException.protocolError(p + " must be 0 or 1, was " + value);
        }
        return value;
    }

    private static Integer checkTwoByte(Property p, int value) {
        if (value == 0) {
            if (p == Property.RECEIVE_MAXIMUM) {
                throw MalformedPacketException.protocolError("receive maximum 0");
            }
            if (p == Property.TOPIC_ALIAS) {
                throw new MalformedPacketException(ReasonCode.TOPIC_ALIAS_INVALID, "topic alias 0");
            }
        }
        return value;
    }

    private static Long checkFourByte(Property p, long value) {
        if (value == 0 && p == Property.MAXIMUM_PACKET_SIZE) {
            throw MalformedPacketException.protocolError("maximum packet size 0");
        }
        return value;
    }

    private static MalformedPacketException duplicate(Property p) {
        return MalformedPacketException.protocolError("property " + p + " included more than once");
    }

    private static String scopeName(int scope) {
        return scope == Property.WILL_SCOPE ? "will properties"
                : String.valueOf(dev.tern.codec.PacketType.ofCode(scope));
    }
}
