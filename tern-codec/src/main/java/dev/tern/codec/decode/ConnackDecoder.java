package dev.tern.codec.decode;

import dev.tern.codec.MalformedPacketException;
import dev.tern.codec.MqttVersion;
import dev.tern.codec.PacketType;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.wire.Property;
import io.netty.buffer.ByteBuf;

/** Decodes CONNACK (client side). */
final class ConnackDecoder {
    private static final boolean[] V3_CODES = Decoding.codes(0, 1, 2, 3, 4, 5);
    private static final boolean[] V5_CODES = Decoding.codes(0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86,
            0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F);

    private ConnackDecoder() {
    }

    static Connack decode(ByteBuf body, MqttVersion version) {
        int flags = body.readUnsignedByte();
        if ((flags & 0xFE) != 0) {
            throw MalformedPacketException.malformed("CONNACK reserved acknowledge flags set");
        }
        boolean sessionPresent = flags == 1;
        int code = Decoding.reasonCode(body, version.isV5() ? V5_CODES : V3_CODES, "CONNACK");
        if (sessionPresent && code != 0) {
            throw MalformedPacketException.protocolError("session present with a non-zero CONNACK code");
        }
        if (!version.isV5()) {
            Decoding.expectEnd(body, "CONNACK");
            return Connack.of(sessionPresent, code);
        }
        DecodedProperties p = PropertyReader.read(body, PacketType.CONNACK.code(), false);
        Decoding.expectEnd(body, "CONNACK");
        if (p.has(Property.AUTHENTICATION_DATA) && !p.has(Property.AUTHENTICATION_METHOD)) {
            throw MalformedPacketException.protocolError("authentication data without authentication method");
        }
        return new Connack(sessionPresent, code,
                p.longValue(Property.SESSION_EXPIRY_INTERVAL),
                p.integer(Property.RECEIVE_MAXIMUM),
                p.integer(Property.MAXIMUM_QOS),
                p.bool(Property.RETAIN_AVAILABLE),
                p.longValue(Property.MAXIMUM_PACKET_SIZE),
                p.string(Property.ASSIGNED_CLIENT_IDENTIFIER),
                p.integer(Property.TOPIC_ALIAS_MAXIMUM),
                p.string(Property.REASON_STRING),
                p.bool(Property.WILDCARD_SUBSCRIPTION_AVAILABLE),
                p.bool(Property.SUBSCRIPTION_IDENTIFIER_AVAILABLE),
                p.bool(Property.SHARED_SUBSCRIPTION_AVAILABLE),
                p.integer(Property.SERVER_KEEP_ALIVE),
                p.string(Property.RESPONSE_INFORMATION),
                p.string(Property.SERVER_REFERENCE),
                p.string(Property.AUTHENTICATION_METHOD),
                p.bytes(Property.AUTHENTICATION_DATA),
                p.userProperties());
    }
}
