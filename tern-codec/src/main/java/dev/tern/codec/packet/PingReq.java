package dev.tern.codec.packet;

import dev.tern.codec.PacketType;

/** PINGREQ. */
public record PingReq() implements MqttPacket {
    public static final PingReq INSTANCE = new PingReq();

    @Override
    public PacketType type() {
        return PacketType.PINGREQ;
    }
}
