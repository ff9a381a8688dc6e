package dev.tern.spi.storage;

/** An inbound QoS 2 PUBLISH received (PUBREC sent) whose PUBREL has not arrived yet. */
public record InboundPacketId(String clientId, int packetId) {
}
