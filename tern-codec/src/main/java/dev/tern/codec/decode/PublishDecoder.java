package dev.tern.codec.decode;

import dev.tern.codec.MalformedPacketException;
import dev.tern.codec.MqttVersion;
import dev.tern.codec.PacketType;
import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.PublishProperties;
import io.netty.buffer.ByteBuf;

/** Decodes PUBLISH in both directions. */
final class PublishDecoder {
    private PublishDecoder() {
    }

    /**
     * @param flags the low nibble of the fixed header
     * @param fromServer true when decoding what a server sent (client role): only then may Subscription
     *     Identifiers appear, possibly several
     */
    static Publish decode(int flags, ByteBuf body, MqttVersion version, boolean fromServer) {
        boolean dup = (flags & 0x08) != 0;
        int qos = (flags >> 1) & 0x03;
        boolean retain = (flags & 0x01) != 0;
        if (qos == 3) {
            throw MalformedPacketException.malformed("PUBLISH QoS 3");
        }
        if (dup && qos == 0) {
            throw MalformedPacketException.malformed("PUBLISH DUP set with QoS 0");
        }
        String topic = dev.tern.codec.wire.Utf8.read(body);
        Decoding.checkTopicName(topic);
        int packetId = qos > 0 ? Decoding.packetId(body) : 0;
        PublishProperties properties = PublishProperties.EMPTY;
        if (version.isV5()) {
            DecodedProperties p = PropertyReader.read(body, PacketType.PUBLISH.code(), fromServer);
            if (!fromServer && !p.subscriptionIdentifiers().isEmpty()) {
                throw MalformedPacketException.protocolError("subscription identifier in a PUBLISH from a client");
            }
            properties = p.toPublishProperties();
        }
        if (topic.isEmpty() && properties.topicAlias() == null) {
            // MQTT 5 3.3.2.1: "It is a Protocol Error if the Topic Name is zero length and there is no Topic Alias";
            // 3.1.1 has no aliases, and an empty topic is simply an invalid topic name [MQTT-4.7.3-1]
            throw version.isV5()
                    ? MalformedPacketException.protocolError("empty topic name without topic alias")
                    : new MalformedPacketException(ReasonCode.TOPIC_NAME_INVALID, "empty topic name");
        }
        byte[] payload = new byte[body.readableBytes()];
        body.readBytes(payload);
        return new Publish(dup, qos, retain, topic, packetId, properties, payload);
    }
}
