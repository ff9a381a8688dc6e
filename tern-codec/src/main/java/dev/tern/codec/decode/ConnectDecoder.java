package dev.tern.codec.decode;

import dev.tern.codec.MalformedPacketException;
import dev.tern.codec.MqttVersion;
import dev.tern.codec.PacketType;
import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.Will;
import dev.tern.codec.wire.Binary;
import dev.tern.codec.wire.Property;
import dev.tern.codec.wire.Utf8;
import io.netty.buffer.ByteBuf;

/** Decodes CONNECT for all three versions (spec 3.1.1 section 3.1, 5.0 section 3.1). */
final class ConnectDecoder {
    private static final int RESERVED = 0x01;
    private static final int CLEAN_START = 0x02;
    private static final int WILL = 0x04;
    private static final int WILL_RETAIN = 0x20;
    private static final int PASSWORD = 0x40;
    private static final int USERNAME = 0x80;

    private ConnectDecoder() {
    }

    static Connect decode(ByteBuf body) {
        MqttVersion version = readProtocol(body);
        boolean v5 = version.isV5();
        int flags = body.readUnsignedByte();
        if ((flags & RESERVED) != 0) {
            throw MalformedPacketException.malformed("CONNECT reserved flag set");
        }
        boolean willFlag = (flags & WILL) != 0;
        int willQos = (flags >> 3) & 0x03;
        boolean willRetain = (flags & WILL_RETAIN) != 0;
        if (!willFlag && (willQos != 0 || willRetain)) {
            throw MalformedPacketException.malformed("will QoS or will retain set without will flag");
        }
        if (willQos == 3) {
            throw MalformedPacketException.malformed("will QoS 3");
        }
        boolean hasUsername = (flags & USERNAME) != 0;
        boolean hasPassword = (flags & PASSWORD) != 0;
        if (hasPassword && !hasUsername && !v5) {
            throw MalformedPacketException.malformed("password flag set without user name flag");
        }
        int keepAlive = body.readUnsignedShort();
        DecodedProperties props = v5
                ? PropertyReader.read(body, PacketType.CONNECT.code(), false) : DecodedProperties.EMPTY;
        if (props.has(Property.AUTHENTICATION_DATA) && !props.has(Property.AUTHENTICATION_METHOD)) {
            throw MalformedPacketException.protocolError("authentication data without authentication method");
        }
        String clientId = Utf8.read(body);
        Will will = willFlag ? readWill(body, v5, willQos, willRetain) : null;
        String username = hasUsername ? Utf8.read(body) : null;
        byte[] password = hasPassword ? Binary.read(body) : null;
        Decoding.expectEnd(body, "CONNECT");
        return new Connect(version, clientId, (flags & CLEAN_START) != 0, keepAlive, username, password, will,
                props.longValue(Property.SESSION_EXPIRY_INTERVAL, 0),
                props.integer(Property.RECEIVE_MAXIMUM, 65_535),
                props.longValue(Property.MAXIMUM_PACKET_SIZE, 0),
                props.integer(Property.TOPIC_ALIAS_MAXIMUM, 0),
                props.integer(Property.REQUEST_RESPONSE_INFORMATION, 0) == 1,
                props.integer(Property.REQUEST_PROBLEM_INFORMATION, 1) == 1,
                props.string(Property.AUTHENTICATION_METHOD),
                props.bytes(Property.AUTHENTICATION_DATA),
                props.userProperties());
    }

    private static Will readWill(ByteBuf body, boolean v5, int qos, boolean retain) {
        DecodedProperties props = v5
                ? PropertyReader.read(body, Property.WILL_SCOPE, false) : DecodedProperties.EMPTY;
        String topic = Utf8.read(body);
        if (topic.isEmpty()) {
            throw new MalformedPacketException(ReasonCode.TOPIC_NAME_INVALID, "empty will topic");
        }
        Decoding.checkTopicName(topic);
        byte[] payload = Binary.read(body);
        long delay = props.longValue(Property.WILL_DELAY_INTERVAL, 0);
        return new Will(topic, payload, qos, retain, delay, props.toPublishProperties());
    }

    /**
     * Reads the protocol name and level. "MQTT" goes with levels 4 and 5, "MQIsdp" with level 3; another level is
     * an unsupported protocol version (0x84), another name a protocol error.
     */
    static MqttVersion readProtocol(ByteBuf body) {
        String name = Utf8.read(body);
        int level = body.readUnsignedByte();
        boolean mqtt = "MQTT".equals(name);
        if (!mqtt && !"MQIsdp".equals(name)) {
            throw MalformedPacketException.protocolError("unknown protocol name '" + name + "'");
        }
        MqttVersion version = MqttVersion.ofLevel(level);
        if (version == null || (version == MqttVersion.V3_1) == mqtt) {
            throw new MalformedPacketException(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION,
                    "unsupported protocol level " + level + " for protocol name " + name);
        }
        return version;
    }

    /** The version a CONNECT body announces, or null when it cannot be read or is not supported. */
    static MqttVersion peekVersion(ByteBuf body) {
        try {
            return readProtocol(body.duplicate());
        } catch (MalformedPacketException | IndexOutOfBoundsException e) {
            return null;
        }
    }
}
