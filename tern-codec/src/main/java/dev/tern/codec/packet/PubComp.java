package dev.tern.codec.packet;

import dev.tern.codec.PacketType;
import java.util.List;

/** PUBCOMP. {@code reasonCode} is 0 (success) for 3.1/3.1.1. */
public record PubComp(int packetId, int reasonCode, String reasonString, List<UserProperty> userProperties)
        implements PublishAck {

    public PubComp {
        userProperties = List.copyOf(userProperties);
    }

    public static PubComp of(int packetId) {
        return new PubComp(packetId, 0, null, List.of());
    }

    public static PubComp of(int packetId, int reasonCode) {
        return new PubComp(packetId, reasonCode, null, List.of());
    }

    @Override
    public PacketType type() {
        return PacketType.PUBCOMP;
    }
}
