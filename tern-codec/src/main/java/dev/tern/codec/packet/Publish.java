package dev.tern.codec.packet;

import dev.tern.codec.PacketType;
import java.util.Objects;

/**
 * PUBLISH. {@code packetId} is 0 for QoS 0. The topic may be empty on the wire when a topic alias stands for it
 * (MQTT 5); the protocol layer resolves aliases before anything else sees the packet.
 */
public record Publish(boolean dup, int qos, boolean retain, String topic, int packetId,
                      PublishProperties properties, byte[] payload) implements MqttPacket {

    public Publish {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(payload, "payload");
    }

    public static Publish of(String topic, int qos, boolean retain, int packetId, byte[] payload) {
        return new Publish(false, qos, retain, topic, packetId, PublishProperties.EMPTY, payload);
    }

    public Publish withDup(boolean newDup) {
        return new Publish(newDup, qos, retain, topic, packetId, properties, payload);
    }

    @Override
    public PacketType type() {
        return PacketType.PUBLISH;
    }
}
