package dev.tern.core;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outbound half of a session: packet identifiers, the inflight window (bounded by the client's receive
 * maximum), the queue for what cannot go out now, and redelivery after a reconnect. Owned by the session's shard.
 */
final class PublishOutFlow {
    private final MqttSettings settings;
    private final BrokerStats stats;
    private final LinkedHashMap<Integer, Inflight> inflight = new LinkedHashMap<>();
    private final ArrayDeque<Outbound> queue = new ArrayDeque<>();
    private long queuedBytes;
    private int nextPacketId = 1;

    /** A QoS 1/2 message sent and not yet fully acknowledged. */
    static final class Inflight {
        final Outbound outbound;
        final int packetId;
        /** PUBREC received, PUBREL sent, PUBCOMP awaited. */
        boolean released;

        Inflight(Outbound outbound, int packetId) {
            this.outbound = outbound;
            this.packetId = packetId;
        }
    }

    PublishOutFlow(MqttSettings settings, BrokerStats stats) {
        this.settings = settings;
        this.stats = stats;
    }

    /** Delivers now when the client can take it, queues otherwise. {@code client} is null when offline. */
    void deliver(Outbound out, ClientConnection client, long now) {
        if (client != null && client.isWritable() && queue.isEmpty()) {
            if (out.qos() == 0 || inflight.size() < client.clientReceiveMaximum()) {
                send(out, client, now);
                return;
            }
        }
        if (out.qos() == 0 && client == null && !settings.queueQos0()) {
            stats.dropped(DropReason.QOS0_NOT_QUEUED);
            return;
        }
        enqueue(out);
    }

    /** Sends queued messages while the window and the socket allow. */
    void drain(ClientConnection client, long now) {
        while (!queue.isEmpty() && client.isWritable()) {
            Outbound head = queue.peekFirst();
            if (head.qos() > 0 && inflight.size() >= client.clientReceiveMaximum()) {
                return;
            }
            queue.pollFirst();
            queuedBytes -= head.payloadSize();
            send(head, client, now);
        }
    }

    /** On reconnect to an existing session: resend unacknowledged PUBLISH with DUP, and PUBREL [MQTT-4.4.0-1]. */
    void resendInflight(ClientConnection client, long now) {
        Iterator<Inflight> it = inflight.values().iterator();
        while (it.hasNext()) {
            Inflight f = it.next();
            if (f.released) {
                client.sendPubRel(f.packetId);
            } else if (!client.sendPublish(f.outbound, f.packetId, true, now)) {
                it.remove();
            }
        }
    }

    private void send(Outbound out, ClientConnection client, long now) {
        if (out.message().isExpired(now)) {
            stats.dropped(DropReason.EXPIRED);
            return;
        }
        if (out.qos() == 0) {
            client.sendPublish(out, 0, false, now);
            return;
        }
        int id = allocatePacketId();
        Inflight f = new Inflight(out, id);
        inflight.put(id, f);
        if (!client.sendPublish(out, id, false, now)) {
            inflight.remove(id);
        }
    }

    private void enqueue(Outbound out) {
        int max = settings.maxQueuedMessages();
        long maxBytes = settings.maxQueuedBytes();
        boolean full = (max > 0 && queue.size() >= max)
                || (maxBytes > 0 && queuedBytes + out.payloadSize() > maxBytes);
        if (full) {
            if (settings.queueOverflow() == MqttSettings.QueueOverflow.DROP_NEW || queue.isEmpty()) {
                stats.dropped(DropReason.QUEUE_FULL);
                return;
            }
            while (!queue.isEmpty() && ((max > 0 && queue.size() >= max)
                    || (maxBytes > 0 && queuedBytes + out.payloadSize() > maxBytes))) {
                Outbound oldest = queue.pollFirst();
                queuedBytes -= oldest.payloadSize();
                stats.dropped(DropReason.QUEUE_FULL);
            }
        }
        queue.addLast(out);
        queuedBytes += out.payloadSize();
    }

    /** Returns a free packet identifier; the window never holds 65535 ids, so one is always found. */
    private int allocatePacketId() {
        while (true) {
            int id = nextPacketId;
            nextPacketId = id == 65535 ? 1 : id + 1;
            if (!inflight.containsKey(id)) {
                return id;
            }
        }
    }

    /** PUBACK: the QoS 1 message is done. */
    boolean onPubAck(int packetId) {
        Inflight f = inflight.get(packetId);
        if (f == null || f.outbound.qos() != 1) {
            return false;
        }
        inflight.remove(packetId);
        return true;
    }

    /** PUBREC: the QoS 2 message is received; from now on only PUBREL is resent. False for an unknown id. */
    boolean onPubRec(int packetId, boolean failed) {
        Inflight f = inflight.get(packetId);
        if (f == null || f.outbound.qos() != 2) {
            return false;
        }
        if (failed) {
            inflight.remove(packetId);
        } else {
            f.released = true;
        }
        return true;
    }

    /** PUBCOMP: the QoS 2 exchange is complete. */
    boolean onPubComp(int packetId) {
        Inflight f = inflight.get(packetId);
        if (f == null || !f.released) {
            return false;
        }
        inflight.remove(packetId);
        return true;
    }

    /**
     * Removes the messages not yet received by the client (queued, or inflight without PUBREC) that the
     * predicate accepts; the predicate may hand them elsewhere. Returns what was removed.
     */
    java.util.List<Outbound> takeUnacknowledged(java.util.function.Predicate<Outbound> take) {
        java.util.List<Outbound> taken = new java.util.ArrayList<>();
        Iterator<Inflight> it = inflight.values().iterator();
        while (it.hasNext()) {
            Inflight f = it.next();
            if (!f.released && take.test(f.outbound)) {
                it.remove();
                taken.add(f.outbound);
            }
        }
        Iterator<Outbound> q = queue.iterator();
        while (q.hasNext()) {
            Outbound o = q.next();
            if (take.test(o)) {
                q.remove();
                queuedBytes -= o.payloadSize();
                taken.add(o);
            }
        }
        return taken;
    }

    int inflightCount() {
        return inflight.size();
    }

    int queuedCount() {
        return queue.size();
    }

    Map<Integer, Inflight> inflightView() {
        return java.util.Collections.unmodifiableMap(inflight);
    }

    void clear() {
        inflight.clear();
        queue.clear();
        queuedBytes = 0;
    }
}
