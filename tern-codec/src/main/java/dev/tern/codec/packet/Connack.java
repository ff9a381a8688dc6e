package dev.tern.codec.packet;

import dev.tern.codec.PacketType;
import java.util.List;

/**
 * CONNACK. {@code reasonCode} is the 3.1.1 return code or the MQTT 5 reason code. Null properties are absent.
 */
public record Connack(
        boolean sessionPresent,
        int reasonCode,
        Long sessionExpiryInterval,
        Integer receiveMaximum,
        Integer maximumQos,
        Boolean retainAvailable,
        Long maximumPacketSize,
        String assignedClientIdentifier,
        Integer topicAliasMaximum,
        String reasonString,
        Boolean wildcardSubscriptionAvailable,
        Boolean subscriptionIdentifiersAvailable,
        Boolean sharedSubscriptionAvailable,
        Integer serverKeepAlive,
        String responseInformation,
        String serverReference,
        String authenticationMethod,
        byte[] authenticationData,
        List<UserProperty> userProperties) implements MqttPacket {

    public Connack {
        userProperties = List.copyOf(userProperties);
    }

    /** A CONNACK with no properties. */
    public static Connack of(boolean sessionPresent, int reasonCode) {
        return new Connack(sessionPresent, reasonCode, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, List.of());
    }

    @Override
    public PacketType type() {
        return PacketType.CONNACK;
    }
}
