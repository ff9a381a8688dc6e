package dev.tern.codec.packet;

import dev.tern.codec.PacketType;
import java.util.List;

/** SUBACK: one reason code (3.1.1: return code) per requested filter, in order. */
public record SubAck(int packetId, String reasonString, List<UserProperty> userProperties,
                     List<Integer> reasonCodes) implements MqttPacket {
    public SubAck {
        userProperties = List.copyOf(userProperties);
        reasonCodes = List.copyOf(reasonCodes);
    }

    @Override
    public PacketType type() {
        return PacketType.SUBACK;
    }
}
