package dev.tern.core;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How far behind an online session is, readable from every shard: deliveries routed to it but not yet run on its
 * shard, plus its queue. Routers read it to hold a publisher back before the backlog overflows the queue limit.
 */
final class SessionBacklog {
    /** Deliveries routed to the session whose command has not yet run on its shard. */
    final AtomicInteger inTransit = new AtomicInteger();
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
    final java.util.concurrent.atomic.AtomicLong nextSeq = new java.util.concurrent.atomic.AtomicLong(1);

    int total() {
        return inTransit.get() + queued;
    }
}
