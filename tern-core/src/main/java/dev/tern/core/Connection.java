package dev.tern.core;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.MqttPacket;
import java.net.InetSocketAddress;

/**
 * The port through which core talks to one network connection. Implemented by the transport; every method may
 * be called from any thread, and packets sent from one thread reach the wire in the order they were sent.
 */
public interface Connection {

    /** Encodes and writes the packet with the connection's protocol version. */
    void send(MqttPacket packet);

    /** Sends the packet, then closes the connection once it has been written. */
    void sendAndClose(MqttPacket packet);

    /** Closes the connection without sending anything. */
    void close();

    /** False while the socket's outbound buffer is above its high-water mark (a client that does not read). */
    boolean isWritable();

    /**
     * Stops reading from the socket (back-pressure on a publisher whose subscribers cannot keep up). Calls nest:
     * reading resumes when every pause has been matched by {@link #resumeReading()}.
     */
    void pauseReading();

    void resumeReading();

    /** The protocol version used to encode what {@link #send} writes; set once CONNECT is understood. */
    void setVersion(MqttVersion version);

    /** The packet's wire bytes for this connection's version, on the heap, for sharing across connections. */
    byte[] encode(MqttPacket packet);

    /**
     * Sends bytes encoded earlier (a QoS 0 PUBLISH shared by many subscribers of one message); never mutated.
     * {@code qos} is for counting only.
     */
    void sendFrame(byte[] frame, int qos);

    /** The exact number of bytes the packet takes on this connection's wire. */
    int encodedSize(MqttPacket packet);

    InetSocketAddress remoteAddress();

    /** The listener this connection came in on, e.g. "tcp 127.0.0.1:1883". */
    String listener();

    /**
     * The identity (CN, or first subject alternative name) of the verified client certificate when the listener
     * uses it as the username ({@code use-identity-as-username}); null otherwise, and for clients without a
     * certificate. Known by the time CONNECT is handed to the core.
     */
    default String certificateIdentity() {
        return null;
    }
}
