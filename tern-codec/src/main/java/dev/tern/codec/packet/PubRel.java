package dev.tern.codec.packet;

import dev.tern.codec.PacketType;
import java.util.List;

/** PUBREL. {@code reasonCode} is 0 (success) for 3.1/3.1.1. */
public record PubRel(int packetId, int reasonCode, String reasonString, List<UserProperty> userProperties)
        implements PublishAck {

    public PubRel {
        userProperties = List.copyOf(userProperties);
    }

    public static PubRel of(int packetId) {
        return new PubRel(packetId, 0, null, List.of());
    }

    public static PubRel of(int packetId, int reasonCode) {
        return new PubRel(packetId, reasonCode, null, List.of());
    }

    @Override
    public PacketType type() {
        return PacketType.PUBREL;
    }
}
