package dev.tern.codec.packet;

import dev.tern.codec.PacketType;
import java.util.List;

/** PUBACK. {@code reasonCode} is 0 (success) for 3.1/3.1.1. */
public record PubAck(int packetId, int reasonCode, String reasonString, List<UserProperty> userProperties)
        implements PublishAck {

    public PubAck {
        userProperties = List.copyOf(userProperties);
    }

    public static PubAck of(int packetId) {
        return new PubAck(packetId, 0, null, List.of());
    }

    public static PubAck of(int packetId, int reasonCode) {
        return new PubAck(packetId, reasonCode, null, List.of());
    }

    @Override
    public PacketType type() {
        return PacketType.PUBACK;
    }
}
