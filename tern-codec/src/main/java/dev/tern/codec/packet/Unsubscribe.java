package dev.tern.codec.packet;

import dev.tern.codec.PacketType;
import java.util.List;

/** UNSUBSCRIBE. */
public record Unsubscribe(int packetId, List<UserProperty> userProperties, List<String> topicFilters)
        implements MqttPacket {
    public Unsubscribe {
        userProperties = List.copyOf(userProperties);
        topicFilters = List.copyOf(topicFilters);
    }

    @Override
    public PacketType type() {
        return PacketType.UNSUBSCRIBE;
    }
}
