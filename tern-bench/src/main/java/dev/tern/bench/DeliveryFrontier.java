package dev.tern.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How far the subscribers have got with each publisher's messages, for the QoS 0 window ({@code --qos0-window}): a
 * QoS 0 publisher has no acknowledgements to pace it, so without a window it publishes as fast as the broker reads,
 * and a broker that reads faster than it delivers (and has no back-pressure of its own) builds an unbounded backlog
 * and measures its collapse, not its speed. With it, a publisher stays at most N messages ahead of its subscribers.
 *
 * <p>"How far" is the highest sequence number a subscriber has received from the publisher, not a count: a message
 * a broker dropped (QoS 0 may be dropped) does not hold the window shut. A publisher whose messages go to every
 * subscriber (fan-in, fan-out) waits for the slowest; in a shared subscription one member gets each message, so it
 * waits for the furthest; in pairs, for its own subscriber.
 *
 * <p>Each slot has one writer, the subscriber's event loop; publishers on other event loops read.
 */
final class DeliveryFrontier {
    private final Scenario scenario;
    private final int subscribers;
    /** [publisher * subscribers + subscriber]: highest sequence received. */
    private final AtomicLongArray highest;

    DeliveryFrontier(Scenario scenario, int publishers, int subscribers) {
        this.scenario = scenario;
        this.subscribers = subscribers;
        this.highest = new AtomicLongArray(Math.max(1, publishers * subscribers));
    }

    /** Subscriber {@code subscriber} received message {@code seq} of {@code publisher}. On its event loop. */
    void received(int publisher, int subscriber, long seq) {
        int slot = publisher * subscribers + subscriber;
        if (slot >= 0 && slot < highest.length() && seq > highest.getPlain(slot)) {
            highest.setRelease(slot, seq);
        }
    }

    /**
     * The highest sequence of {@code publisher} its subscribers have all received (shared: any of them), or
     * {@link Long#MAX_VALUE} when none of them receives its messages (nothing to wait for).
     */
    long reached(int publisher) {
        if (subscribers == 0) {
            return Long.MAX_VALUE;
        }
        int base = publisher * subscribers;
        return switch (scenario) {
            case PAIRS -> publisher < subscribers ? highest.getAcquire(base + publisher) : Long.MAX_VALUE;
            case FANOUT -> publisher == 0 ? slowest(base) : Long.MAX_VALUE; // all subscribe to publisher 0's topic
            case SHARED -> {
                long max = 0;
                for (int s = 0; s < subscribers; s++) {
                    max = Math.max(max, highest.getAcquire(base + s));
                }
                yield max;
            }
            case FANIN -> slowest(base);
            default -> Long.MAX_VALUE;
        };
    }

    private long slowest(int base) {
        long min = Long.MAX_VALUE;
        for (int s = 0; s < subscribers; s++) {
            min = Math.min(min, highest.getAcquire(base + s));
        }
        return min;
    }
}
