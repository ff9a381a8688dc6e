package dev.tern.codec.decode;

import dev.tern.codec.MalformedPacketException;
import dev.tern.codec.MqttVersion;

/**
 * Emitted once by {@link MqttFrameDecoder} when the input breaks the protocol; nothing is decoded afterwards.
 *
 * @param cause what was wrong, with the reason code to answer with
 * @param version the connection's version when known; for a failing CONNECT whose protocol name and level could
 *     be read, the version it announced (so a broker can answer an MQTT 5 client with a v5 CONNACK); else null
 * @param inConnect true when the failing packet is a CONNECT
 */
public record DecodeFailure(MalformedPacketException cause, MqttVersion version, boolean inConnect) {
    /** The MQTT 5 reason code of the failure. */
    public int reasonCode() {
        return cause.reasonCode();
    }
}
