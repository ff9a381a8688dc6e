package dev.tern.codec.packet;

import java.util.Objects;

/**
 * The will message of a CONNECT.
 *
 * @param delayInterval MQTT 5 will delay interval in seconds, 0 when absent
 * @param properties will properties (never a topic alias or subscription identifier)
 */
public record Will(String topic, byte[] payload, int qos, boolean retain, long delayInterval,
                   PublishProperties properties) {
    public Will {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(properties, "properties");
    }
}
