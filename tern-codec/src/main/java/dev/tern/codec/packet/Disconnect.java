package dev.tern.codec.packet;

import dev.tern.codec.PacketType;
import java.util.List;

/** DISCONNECT. 3.1.1 has no variable header: reason 0 and no properties. */
public record Disconnect(int reasonCode, Long sessionExpiryInterval, String reasonString, String serverReference,
                         List<UserProperty> userProperties) implements MqttPacket {
    public static final Disconnect NORMAL = new Disconnect(0, null, null, null, List.of());

    public Disconnect {
        userProperties = List.copyOf(userProperties);
    }

    public static Disconnect of(int reasonCode) {
        return new Disconnect(reasonCode, null, null, null, List.of());
    }

    public static Disconnect of(int reasonCode, String reasonString) {
        return new Disconnect(reasonCode, null, reasonString, null, List.of());
    }

    @Override
    public PacketType type() {
        return PacketType.DISCONNECT;
    }
}
