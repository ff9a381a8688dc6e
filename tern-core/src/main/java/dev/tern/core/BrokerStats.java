package dev.tern.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters the broker keeps on every thread without locks; read by logs, $SYS and metrics. */
public final class BrokerStats {
    private final EnumMap<DropReason, LongAdder> drops = new EnumMap<>(DropReason.class);
    final LongAdder messagesReceived = new LongAdder();
    final LongAdder messagesSent = new LongAdder();
    final LongAdder connects = new LongAdder();

    BrokerStats() {
        for (DropReason r : DropReason.values()) {
            drops.put(r, new LongAdder());
        }
    }

    void dropped(DropReason reason) {
        drops.get(reason).increment();
    }

    public long drops(DropReason reason) {
        return drops.get(reason).sum();
    }

    public Map<DropReason, Long> drops() {
        EnumMap<DropReason, Long> out = new EnumMap<>(DropReason.class);
        drops.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public long messagesReceived() {
        return messagesReceived.sum();
    }

    public long messagesSent() {
        return messagesSent.sum();
    }

    public long connects() {
        return connects.sum();
    }

    // ---- packets and bytes at the connection's send/receive points (all packet types) ----

    final LongAdder packetsReceived = new LongAdder();
    final LongAdder packetsSent = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    /** PUBLISH packets and their bytes, by QoS 0..2. */
    private final LongAdder[] publishReceivedByQos = adders(3);
    private final LongAdder[] publishSentByQos = adders(3);
    private final LongAdder[] publishBytesReceivedByQos = adders(3);
    private final LongAdder[] publishBytesSentByQos = adders(3);
    /** CONNACK sent, by reason code (0 = accepted). */
    private final LongAdder[] connacks = adders(256);
    /** DISCONNECT received from clients, by reason code (3.1.x: 0). */
    private final LongAdder[] clientDisconnects = adders(256);
    /** Connections closed by the server, by reason code (also for 3.1.x clients, who get no DISCONNECT). */
    private final LongAdder[] serverDisconnects = adders(256);
    /** Connected clients whose network connection went away without a DISCONNECT. */
    final LongAdder connectionsLost = new LongAdder();
    /** Set by a metrics registry: gets the nanoseconds from routing to hand-off on the subscriber's shard. */
    private volatile java.util.function.LongConsumer deliveryLatency;

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** A packet of {@code size} bytes arrived from a client. Any thread. */
    void received(dev.tern.codec.packet.MqttPacket packet, int size) {
        packetsReceived.increment();
        bytesReceived.add(size);
        if (packet instanceof dev.tern.codec.packet.Publish p) {
            publishReceivedByQos[p.qos()].increment();
            publishBytesReceivedByQos[p.qos()].add(size);
        } else if (packet instanceof dev.tern.codec.packet.Disconnect d) {
            clientDisconnects[d.reasonCode() & 0xFF].increment();
        }
    }

    /** A packet of {@code size} bytes was sent to a client. Any thread. */
    void sent(dev.tern.codec.packet.MqttPacket packet, int size) {
        packetsSent.increment();
        bytesSent.add(size);
        if (packet instanceof dev.tern.codec.packet.Publish p) {
            publishSentByQos[p.qos()].increment();
            publishBytesSentByQos[p.qos()].add(size);
        } else if (packet instanceof dev.tern.codec.packet.Connack c) {
            connacks[c.reasonCode() & 0xFF].increment();
        }
    }

    /** A PUBLISH sent as shared bytes ({@link Connection#sendFrame}). */
    void sentPublishFrame(int qos, int size) {
        packetsSent.increment();
        bytesSent.add(size);
        publishSentByQos[qos].increment();
        publishBytesSentByQos[qos].add(size);
    }

    void serverDisconnect(int reasonCode) {
        serverDisconnects[reasonCode & 0xFF].increment();
    }

    /** True when someone measures delivery latency; callers skip the clock otherwise. */
    boolean measuresLatency() {
        return deliveryLatency != null;
    }

    void deliveryLatency(long nanos) {
        java.util.function.LongConsumer l = deliveryLatency;
        if (l != null) {
            l.accept(nanos);
        }
    }

    /** Installs (or, with null, removes) the receiver of publish-to-delivery latencies, in nanoseconds. */
    public void measureDeliveryLatency(java.util.function.LongConsumer receiver) {
        deliveryLatency = receiver;
    }

    /** MQTT packets of every type received from clients. */
    public long packetsReceived() {
        return packetsReceived.sum();
    }

    public long packetsSent() {
        return packetsSent.sum();
    }

    /** Bytes of every MQTT packet received from clients (the MQTT frames, without TLS or WebSocket overhead). */
    public long bytesReceived() {
        return bytesReceived.sum();
    }

    public long bytesSent() {
        return bytesSent.sum();
    }

    public long publishReceived(int qos) {
        return publishReceivedByQos[qos].sum();
    }

    public long publishSent(int qos) {
        return publishSentByQos[qos].sum();
    }

    public long publishBytesReceived(int qos) {
        return publishBytesReceivedByQos[qos].sum();
    }

    public long publishBytesSent(int qos) {
        return publishBytesSentByQos[qos].sum();
    }

    /** CONNACK packets sent with this reason code (0 = accepted; 3.1.x refusals use codes 1..5). */
    public long connacks(int reasonCode) {
        return connacks[reasonCode & 0xFF].sum();
    }

    /** DISCONNECT packets received with this reason code. */
    public long clientDisconnects(int reasonCode) {
        return clientDisconnects[reasonCode & 0xFF].sum();
    }

    /** Connections of connected clients closed by the server with this reason code. */
    public long serverDisconnects(int reasonCode) {
        return serverDisconnects[reasonCode & 0xFF].sum();
    }

    public long connectionsLost() {
        return connectionsLost.sum();
    }
}
