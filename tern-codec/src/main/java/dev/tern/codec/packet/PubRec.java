package dev.tern.codec.packet;

import dev.tern.codec.PacketType;
import java.util.List;

/** PUBREC. {@code reasonCode} is 0 (success) for 3.1/3.1.1. */
public record PubRec(int packetId, int reasonCode, String reasonString, List<UserProperty> userProperties)
        implements PublishAck {

    public PubRec {
        userProperties = List.copyOf(userProperties);
    }

    public static PubRec of(int packetId) {
        return new PubRec(packetId, 0, null, List.of());
    }

    public static PubRec of(int packetId, int reasonCode) {
        return new PubRec(packetId, reasonCode, null, List.of());
    }

    @Override
    public PacketType type() {
        return PacketType.PUBREC;
    }
}
