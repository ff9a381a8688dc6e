package dev.tern.codec.packet;

import dev.tern.codec.PacketType;
import java.util.List;

/** UNSUBACK. 3.1.1 has no reason codes: the list is empty and nothing follows the packet id on the wire. */
public record UnsubAck(int packetId, String reasonString, List<UserProperty> userProperties,
                       List<Integer> reasonCodes) implements MqttPacket {
    public UnsubAck {
        userProperties = List.copyOf(userProperties);
        reasonCodes = List.copyOf(reasonCodes);
    }

    @Override
    public PacketType type() {
        return PacketType.UNSUBACK;
    }
}
