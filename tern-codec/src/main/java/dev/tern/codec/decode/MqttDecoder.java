package dev.tern.codec.decode;

import dev.tern.codec.MalformedPacketException;
import dev.tern.codec.MqttVersion;
import dev.tern.codec.PacketType;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.packet.PingReq;
import dev.tern.codec.packet.PingResp;
import io.netty.buffer.ByteBuf;
import java.util.EnumSet;
import java.util.Set;

/**
 * Decodes one MQTT control packet from its first byte and its body (the remaining-length bytes). One instance per
 * role: {@link #forServer()} accepts what clients send, {@link #forClient()} what servers send; a packet of the
 * other direction is a protocol error. Stateless and thread-safe.
 *
 * <p>Fails only with {@link MalformedPacketException}, carrying the MQTT 5 reason code to answer with.
 */
public final class MqttDecoder {
    private static final Set<PacketType> FROM_CLIENT = EnumSet.of(PacketType.CONNECT, PacketType.PUBLISH,
            PacketType.PUBACK, PacketType.PUBREC, PacketType.PUBREL, PacketType.PUBCOMP, PacketType.SUBSCRIBE,
            PacketType.UNSUBSCRIBE, PacketType.PINGREQ, PacketType.DISCONNECT, PacketType.AUTH);
    private static final Set<PacketType> FROM_SERVER = EnumSet.of(PacketType.CONNACK, PacketType.PUBLISH,
            PacketType.PUBACK, PacketType.PUBREC, PacketType.PUBREL, PacketType.PUBCOMP, PacketType.SUBACK,
            PacketType.UNSUBACK, PacketType.PINGRESP, PacketType.DISCONNECT, PacketType.AUTH);
    private static final MqttDecoder SERVER = new MqttDecoder(true);
    private static final MqttDecoder CLIENT = new MqttDecoder(false);

    private final boolean serverRole;
    private final Set<PacketType> accepted;

    private MqttDecoder(boolean serverRole) {
        this.serverRole = serverRole;
        this.accepted = serverRole ? FROM_CLIENT : FROM_SERVER;
    }

    /** A decoder for a server: decodes the packets a client sends. */
    public static MqttDecoder forServer() {
        return SERVER;
    }

    /** A decoder for a client: decodes the packets a server sends. */
    public static MqttDecoder forClient() {
        return CLIENT;
    }

    /** True for the server-role decoder. */
    public boolean isServerRole() {
        return serverRole;
    }

    /**
     * Decodes one packet.
     *
     * @param firstByte the fixed header's first byte (type and flags), 0..255
     * @param body exactly the remaining-length bytes; its reader index is advanced
     * @param version the connection's version; null only before CONNECT, which carries its own
     * @throws MalformedPacketException on any violation of the protocol
     */
    public MqttPacket decode(int firstByte, ByteBuf body, MqttVersion version) {
        PacketType type = PacketType.ofCode((firstByte >> 4) & 0x0F);
        if (type == null) {
            throw MalformedPacketException.malformed("reserved packet type 0");
        }
        if (!accepted.contains(type)) {
            throw MalformedPacketException.protocolError(type + " is not sent by a " + (serverRole ? "client" : "server"));
        }
        if (type != PacketType.CONNECT && version == null) {
            throw MalformedPacketException.protocolError(type + " before the protocol version is known");
        }
        if (type == PacketType.AUTH && !version.isV5()) {
            throw MalformedPacketException.malformed("AUTH is a reserved packet type before MQTT 5");
        }
        int flags = firstByte & 0x0F;
        checkFlags(type, flags, version);
        try {
            return decodeBody(type, flags, body, version);
        } catch (IndexOutOfBoundsException e) {
            throw MalformedPacketException.malformed(type + " shorter than its fields");
        }
    }

    private MqttPacket decodeBody(PacketType type, int flags, ByteBuf body, MqttVersion version) {
        return switch (type) {
            case CONNECT -> ConnectDecoder.decode(body);
            case CONNACK -> ConnackDecoder.decode(body, version);
            case PUBLISH -> PublishDecoder.decode(flags, body, version, !serverRole);
            case PUBACK, PUBREC, PUBREL, PUBCOMP -> AckDecoder.decode(type, body, version);
            case SUBSCRIBE -> SubscriptionDecoders.subscribe(body, version);
            case SUBACK -> SubscriptionDecoders.subAck(body, version);
            case UNSUBSCRIBE -> SubscriptionDecoders.unsubscribe(body, version);
            case UNSUBACK -> SubscriptionDecoders.unsubAck(body, version);
            case PINGREQ -> empty(body, PingReq.INSTANCE);
            case PINGRESP -> empty(body, PingResp.INSTANCE);
            case DISCONNECT -> ControlDecoders.disconnect(body, version, !serverRole);
            case AUTH -> ControlDecoders.auth(body);
        };
    }

    /**
     * The fixed header flags: PUBREL, SUBSCRIBE and UNSUBSCRIBE carry 0b0010, PUBLISH its own flags (checked by
     * its decoder), everything else 0. MQTT 3.1 clients may also set DUP on the three QoS 1 control packets.
     */
    private static void checkFlags(PacketType type, int flags, MqttVersion version) {
        int expected = switch (type) {
            case PUBLISH -> flags;
            case PUBREL, SUBSCRIBE, UNSUBSCRIBE ->
                    version == MqttVersion.V3_1 && flags == 0b1010 ? flags : 0b0010;
            default -> 0;
        };
        if (flags != expected) {
            throw MalformedPacketException.malformed(
                    String.format("invalid fixed header flags 0x%X for %s", flags, type));
        }
    }

    private static MqttPacket empty(ByteBuf body, MqttPacket packet) {
        Decoding.expectEnd(body, packet.type().name());
        return packet;
    }
}
