package dev.tern.codec.packet;

import dev.tern.codec.PacketType;
import java.util.List;

/** SUBSCRIBE. {@code subscriptionIdentifier} is null when absent (always for 3.1.1). */
public record Subscribe(int packetId, Integer subscriptionIdentifier, List<UserProperty> userProperties,
                        List<Subscription> subscriptions) implements MqttPacket {
    public Subscribe {
        userProperties = List.copyOf(userProperties);
        subscriptions = List.copyOf(subscriptions);
    }

    @Override
    public PacketType type() {
        return PacketType.SUBSCRIBE;
    }
}
