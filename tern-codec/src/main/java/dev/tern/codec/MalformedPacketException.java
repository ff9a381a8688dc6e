package dev.tern.codec;

/**
 * The one way a decoder fails: the bytes broke a rule of the protocol. Carries the MQTT 5 reason code the
 * protocol layer answers with (CONNACK or DISCONNECT for MQTT 5, a plain close for 3.1/3.1.1).
 */
public final class MalformedPacketException extends RuntimeException {
    private final int reasonCode;

    public MalformedPacketException(int reasonCode, String message) {
        super(message, null, false, false);
        this.reasonCode = reasonCode;
    }

    public static MalformedPacketException malformed(String message) {
        return new MalformedPacketException(ReasonCode.MALFORMED_PACKET, message);
    }

    public static MalformedPacketException protocolError(String message) {
        return new MalformedPacketException(ReasonCode.PROTOCOL_ERROR, message);
    }

    public int reasonCode() {
        return reasonCode;
    }
}
