package dev.tern.core;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.MqttPacket;
import io.netty.util.concurrent.EventExecutor;
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

    /**
     * Hands the connection's I/O over to {@code loop}, the thread of the session's shard, so that its packets are
     * handled and its writes made there without a thread hop; then runs {@code then} on {@code loop}. Called once, on
     * the connection's I/O thread, with the CONNECT packet, before anything was sent. Packets decoded after the CONNECT
     * and before the hand-over are held and passed to the core after {@code then}, in order. A transport that cannot
     * move the connection (another kind of loop, a transport without such loops) just runs {@code then} on
     * {@code loop}, and the packets that follow go through the shard's queue as before.
     */
    default void moveTo(EventExecutor loop, Runnable then) {
        loop.execute(then);
    }

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
