package dev.tern.codec.packet;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.PacketType;
import java.util.List;
import java.util.Objects;

/**
 * CONNECT. For 3.1/3.1.1 the MQTT 5-only fields hold their protocol defaults.
 *
 * @param cleanStart clean session (3.1.1) or clean start (5)
 * @param keepAlive seconds, 0 = off
 * @param username null when the flag is not set
 * @param password null when the flag is not set
 * @param will null when the will flag is not set
 * @param sessionExpiryInterval seconds (MQTT 5; 0 when absent)
 * @param receiveMaximum 1..65535 (65535 when absent)
 * @param maximumPacketSize bytes the client accepts, 0 when absent (no limit)
 * @param topicAliasMaximum 0 when absent
 */
public record Connect(
        MqttVersion version,
        String clientId,
        boolean cleanStart,
        int keepAlive,
        String username,
        byte[] password,
        Will will,
        long sessionExpiryInterval,
        int receiveMaximum,
        long maximumPacketSize,
        int topicAliasMaximum,
        boolean requestResponseInformation,
        boolean requestProblemInformation,
        String authenticationMethod,
        byte[] authenticationData,
        List<UserProperty> userProperties) implements MqttPacket {

    public Connect {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(clientId, "clientId");
        userProperties = List.copyOf(userProperties);
    }

    /** A CONNECT with MQTT 5 fields at their defaults, for 3.1.1 clients and tests. */
    public static Connect of(MqttVersion version, String clientId, boolean cleanStart, int keepAlive) {
        return new Connect(version, clientId, cleanStart, keepAlive, null, null, null, 0, 65535, 0, 0,
                false, true, null, null, List.of());
    }

    @Override
    public PacketType type() {
        return PacketType.CONNECT;
    }
}
