package dev.tern.codec.packet;

import dev.tern.codec.PacketType;
import java.util.List;

/** AUTH (MQTT 5 only). */
public record Auth(int reasonCode, String authenticationMethod, byte[] authenticationData, String reasonString,
                   List<UserProperty> userProperties) implements MqttPacket {
    public Auth {
        userProperties = List.copyOf(userProperties);
    }

    @Override
    public PacketType type() {
        return PacketType.AUTH;
    }
}
