package dev.tern.codec.decode;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.PacketType;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.PubComp;
import dev.tern.codec.packet.PubRec;
import dev.tern.codec.packet.PubRel;
import dev.tern.codec.packet.PublishAck;
import dev.tern.codec.packet.UserProperty;
import dev.tern.codec.wire.Property;
import io.netty.buffer.ByteBuf;
import java.util.List;

/** Decodes PUBACK, PUBREC, PUBREL and PUBCOMP, which share one layout. */
final class AckDecoder {
    private static final boolean[] PUBACK_PUBREC_CODES =
            Decoding.codes(0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99);
    private static final boolean[] PUBREL_PUBCOMP_CODES = Decoding.codes(0x00, 0x92);

    private AckDecoder() {
    }

    static PublishAck decode(PacketType type, ByteBuf body, MqttVersion version) {
        int packetId = Decoding.packetId(body);
        int reason = 0;
        String reasonString = null;
        List<UserProperty> userProperties = List.of();
        if (version.isV5() && body.isReadable()) {
            boolean[] allowed = type == PacketType.PUBACK || type == PacketType.PUBREC
                    ? PUBACK_PUBREC_CODES : PUBREL_PUBCOMP_CODES;
            reason = Decoding.reasonCode(body, allowed, type.name());
            if (body.isReadable()) {
                DecodedProperties p = PropertyReader.read(body, type.code(), false);
                reasonString = p.string(Property.REASON_STRING);
                userProperties = p.userProperties();
            }
        }
        Decoding.expectEnd(body, type.name());
        return switch (type) {
            case PUBACK -> new PubAck(packetId, reason, reasonString, userProperties);
            case PUBREC -> new PubRec(packetId, reason, reasonString, userProperties);
            case PUBREL -> new PubRel(packetId, reason, reasonString, userProperties);
            case PUBCOMP -> new PubComp(packetId, reason, reasonString, userProperties);
            default -> throw new IllegalArgumentException("not a publish acknowledgement: " + type);
        };
    }
}
