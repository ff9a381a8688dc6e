package dev.tern.core;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * How far behind an online session is, readable from every shard: deliveries routed to it but not yet run on its
 * shard, plus its queue. Routers read it to hold a publisher back before the backlog overflows the queue limit.
 *
 * <p>The counters are plain volatile fields updated through field updaters rather than an AtomicInteger and an
 * AtomicLong: every session has one backlog, and two objects less per session count with many idle clients.
 */
final class SessionBacklog {
    private static final AtomicIntegerFieldUpdater<SessionBacklog> IN_TRANSIT =
            AtomicIntegerFieldUpdater.newUpdater(SessionBacklog.class, "inTransit");
    private static final AtomicLongFieldUpdater<SessionBacklog> NEXT_SEQ =
            AtomicLongFieldUpdater.newUpdater(SessionBacklog.class, "nextSeq");

    /** Deliveries routed to the session whose command has not yet run on its shard. */
    private volatile int inTransit;
    /** Written by the owning shard only. */
    volatile int queued;
    /** Written by the owning shard only: the session has a connection that can drain the backlog. */
    volatile boolean online;
    /** Written by the owning shard only: the session keeps its messages in the store. */
    volatile boolean durable;
    /**
     * The next sequence number of the session's stored queue. Taken by the publisher's shard for entries it writes
     * together with the message (so that message, entries and an inbound QoS 2 id are stored atomically), and by
     * the owning shard for entries it writes itself.
     */
    private volatile long nextSeq = 1;

    /** A delivery to the session was routed; returns the deliveries in transit now. Any thread. */
    int enterTransit() {
        return IN_TRANSIT.incrementAndGet(this);
    }

    /** A routed delivery ran on the session's shard. */
    void leaveTransit() {
        IN_TRANSIT.decrementAndGet(this);
    }

    int inTransit() {
        return inTransit;
    }

    /** Takes the next sequence number of the stored queue. Any thread. */
    long takeSeq() {
        return NEXT_SEQ.getAndIncrement(this);
    }

    long nextSeq() {
        return nextSeq;
    }

    void nextSeq(long seq) {
        nextSeq = seq;
    }

    int total() {
        return inTransit + queued;
    }
}
