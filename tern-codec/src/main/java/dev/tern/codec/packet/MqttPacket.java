package dev.tern.codec.packet;

import dev.tern.codec.PacketType;

/**
 * An MQTT control packet. Packets are immutable values; byte arrays they carry (payloads, passwords,
 * correlation and authentication data) are never mutated after construction. Optional properties are null
 * when absent from the wire; lists are never null.
 */
public sealed interface MqttPacket
        permits Connect, Connack, Publish, PublishAck, Subscribe, SubAck, Unsubscribe,
        UnsubAck, PingReq, PingResp, Disconnect, Auth {

    PacketType type();
}
