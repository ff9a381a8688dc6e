package dev.tern.codec.wire;

import dev.tern.codec.PacketType;

/**
 * The MQTT 5 property identifiers (spec 2.2.2.2) with their wire type and the packets that may carry them.
 * A "scope" is a {@link PacketType#code()} or {@link #WILL_SCOPE} for the will properties of a CONNECT.
 */
public enum Property {
    PAYLOAD_FORMAT_INDICATOR(0x01, Type.BYTE, PacketType.PUBLISH, null),
    MESSAGE_EXPIRY_INTERVAL(0x02, Type.FOUR_BYTE, PacketType.PUBLISH, null),
    CONTENT_TYPE(0x03, Type.UTF8, PacketType.PUBLISH, null),
    RESPONSE_TOPIC(0x08, Type.UTF8, PacketType.PUBLISH, null),
    CORRELATION_DATA(0x09, Type.BINARY, PacketType.PUBLISH, null),
    SUBSCRIPTION_IDENTIFIER(0x0B, Type.VAR_INT, PacketType.PUBLISH, PacketType.SUBSCRIBE),
    SESSION_EXPIRY_INTERVAL(0x11, Type.FOUR_BYTE, PacketType.CONNECT, PacketType.CONNACK, PacketType.DISCONNECT),
    ASSIGNED_CLIENT_IDENTIFIER(0x12, Type.UTF8, PacketType.CONNACK),
    SERVER_KEEP_ALIVE(0x13, Type.TWO_BYTE, PacketType.CONNACK),
    AUTHENTICATION_METHOD(0x15, Type.UTF8, PacketType.CONNECT, PacketType.CONNACK, PacketType.AUTH),
    AUTHENTICATION_DATA(0x16, Type.BINARY, PacketType.CONNECT, PacketType.CONNACK, PacketType.AUTH),
    REQUEST_PROBLEM_INFORMATION(0x17, Type.BYTE, PacketType.CONNECT),
    WILL_DELAY_INTERVAL(0x18, Type.FOUR_BYTE, (PacketType) null),
    REQUEST_RESPONSE_INFORMATION(0x19, Type.BYTE, PacketType.CONNECT),
    RESPONSE_INFORMATION(0x1A, Type.UTF8, PacketType.CONNACK),
    SERVER_REFERENCE(0x1C, Type.UTF8, PacketType.CONNACK, PacketType.DISCONNECT),
    REASON_STRING(0x1F, Type.UTF8, PacketType.CONNACK, PacketType.PUBACK, PacketType.PUBREC, PacketType.PUBREL,
            PacketType.PUBCOMP, PacketType.SUBACK, PacketType.UNSUBACK, PacketType.DISCONNECT, PacketType.AUTH),
    RECEIVE_MAXIMUM(0x21, Type.TWO_BYTE, PacketType.CONNECT, PacketType.CONNACK),
    TOPIC_ALIAS_MAXIMUM(0x22, Type.TWO_BYTE, PacketType.CONNECT, PacketType.CONNACK),
    TOPIC_ALIAS(0x23, Type.TWO_BYTE, PacketType.PUBLISH),
    MAXIMUM_QOS(0x24, Type.BYTE, PacketType.CONNACK),
    RETAIN_AVAILABLE(0x25, Type.BYTE, PacketType.CONNACK),
    USER_PROPERTY(0x26, Type.UTF8_PAIR, PacketType.values()),
    MAXIMUM_PACKET_SIZE(0x27, Type.FOUR_BYTE, PacketType.CONNECT, PacketType.CONNACK),
    WILDCARD_SUBSCRIPTION_AVAILABLE(0x28, Type.BYTE, PacketType.CONNACK),
    SUBSCRIPTION_IDENTIFIER_AVAILABLE(0x29, Type.BYTE, PacketType.CONNACK),
    SHARED_SUBSCRIPTION_AVAILABLE(0x2A, Type.BYTE, PacketType.CONNACK);

    /** The scope of the will properties inside a CONNECT payload (0 is no packet type). */
    public static final int WILL_SCOPE = 0;

    /** How a property's value is encoded. */
    public enum Type { BYTE, TWO_BYTE, FOUR_BYTE, VAR_INT, UTF8, UTF8_PAIR, BINARY }

    private static final Property[] BY_ID = new Property[0x2B];

    static {
        for (Property p : values()) {
            BY_ID[p.id] = p;
        }
        // the will properties are the PUBLISH message properties except topic alias and subscription identifier
        for (Property p : new Property[] {PAYLOAD_FORMAT_INDICATOR, MESSAGE_EXPIRY_INTERVAL, CONTENT_TYPE,
                RESPONSE_TOPIC, CORRELATION_DATA, WILL_DELAY_INTERVAL, USER_PROPERTY}) {
            p.scopes |= 1 << WILL_SCOPE;
        }
    }

    private final int id;
    private final Type type;
    private int scopes;

    Property(int id, Type type, PacketType... allowedIn) {
        this.id = id;
        this.type = type;
        for (PacketType t : allowedIn) {
            if (t != null) {
                scopes |= 1 << t.code();
            }
        }
    }

    public int id() {
        return id;
    }

    public Type type() {
        return type;
    }

    /** True when the property may appear in the given scope (a packet type code or {@link #WILL_SCOPE}). */
    public boolean allowedIn(int scope) {
        return (scopes & (1 << scope)) != 0;
    }

    /** The property for an identifier, or null when the identifier is not defined. */
    public static Property ofId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }
}
