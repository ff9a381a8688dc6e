package dev.tern.codec.decode;

import dev.tern.codec.MalformedPacketException;
import dev.tern.codec.MqttVersion;
import dev.tern.codec.PacketType;
import dev.tern.codec.packet.Auth;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.UserProperty;
import dev.tern.codec.wire.Property;
import io.netty.buffer.ByteBuf;
import java.util.List;

/** Decodes DISCONNECT and AUTH (both: optional reason code, optional properties). */
final class ControlDecoders {
    private static final boolean[] DISCONNECT_CODES = Decoding.codes(0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87,
            0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D,
            0x9E, 0x9F, 0xA0, 0xA1, 0xA2);
    private static final boolean[] AUTH_CODES = Decoding.codes(0x00, 0x18, 0x19);

    private ControlDecoders() {
    }

    static Disconnect disconnect(ByteBuf body, MqttVersion version, boolean fromServer) {
        if (!version.isV5() || !body.isReadable()) {
            Decoding.expectEnd(body, "DISCONNECT");
            return Disconnect.NORMAL;
        }
        int reason = Decoding.reasonCode(body, DISCONNECT_CODES, "DISCONNECT");
        DecodedProperties p = body.isReadable()
                ? PropertyReader.read(body, PacketType.DISCONNECT.code(), false) : DecodedProperties.EMPTY;
        Decoding.expectEnd(body, "DISCONNECT");
        if (fromServer && p.has(Property.SESSION_EXPIRY_INTERVAL)) {
            throw MalformedPacketException.protocolError("session expiry interval in a DISCONNECT from the server");
        }
        return new Disconnect(reason, p.longValue(Property.SESSION_EXPIRY_INTERVAL),
                p.string(Property.REASON_STRING), p.string(Property.SERVER_REFERENCE), p.userProperties());
    }

    static Auth auth(ByteBuf body) {
        if (!body.isReadable()) {
            return new Auth(0, null, null, null, List.of());
        }
        int reason = Decoding.reasonCode(body, AUTH_CODES, "AUTH");
        DecodedProperties p = body.isReadable()
                ? PropertyReader.read(body, PacketType.AUTH.code(), false) : DecodedProperties.EMPTY;
        Decoding.expectEnd(body, "AUTH");
        List<UserProperty> ups = p.userProperties();
        return new Auth(reason, p.string(Property.AUTHENTICATION_METHOD), p.bytes(Property.AUTHENTICATION_DATA),
                p.string(Property.REASON_STRING), ups);
    }
}
