package dev.tern.codec;

/** The protocol levels Tern speaks, with the protocol name each one carries in CONNECT. */
public enum MqttVersion {
    V3_1(3, "MQIsdp"),
    V3_1_1(4, "MQTT"),
    V5(5, "MQTT");

    private final int level;
    private final String protocolName;

    MqttVersion(int level, String protocolName) {
        this.level = level;
        this.protocolName = protocolName;
    }

    public int level() {
        return level;
    }

    public String protocolName() {
        return protocolName;
    }

    public boolean isV5() {
        return this == V5;
    }

    /** The version for a CONNECT's protocol level, or null when the level is unknown. */
    public static MqttVersion ofLevel(int level) {
        return switch (level) {
            case 3 -> V3_1;
            case 4 -> V3_1_1;
            case 5 -> V5;
            default -> null;
        };
    }

    /** The name people know the version by: "3.1", "3.1.1", "5". */
    public String displayName() {
        return switch (this) {
            case V3_1 -> "3.1";
            case V3_1_1 -> "3.1.1";
            case V5 -> "5";
        };
    }
}
