package dev.tern.core;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.encode.MqttEncoder;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.packet.Publish;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link Connection} with no socket behind it: it counts what the broker sends and remembers the packet ids of
 * PUBLISH, so benchmarks can acknowledge them. Nothing is encoded (the codec has benchmarks of its own), so what
 * is measured through it is the core alone: routing, sessions, flows and the thread hops between shards.
 *
 * <p>Written by the shard that owns the session and read by the benchmark thread only after a {@link Probe} said
 * the awaited packets arrived (the probe's atomic counter orders the two).
 */
final class BenchConnection implements Connection {
    private static final InetSocketAddress ADDRESS = new InetSocketAddress("127.0.0.1", 40000);

    private final Probe probe;
    private MqttVersion version = MqttVersion.V3_1_1;
    /** When false, the broker must queue instead of sending (a subscriber whose socket is full). */
    volatile boolean writable = true;
    /** Packet ids of the QoS 1/2 PUBLISH packets received since the last {@link #resetIds()}. */
    private int[] ids = new int[256];
    private int idCount;

    BenchConnection(Probe probe) {
        this.probe = probe;
    }

    @Override
    public void send(MqttPacket packet) {
        if (packet instanceof Publish p) {
            if (p.qos() > 0) {
                if (idCount == ids.length) {
                    ids = java.util.Arrays.copyOf(ids, ids.length * 2);
                }
                ids[idCount++] = p.packetId();
            }
            probe.published();
        } else {
            probe.control();
        }
    }

    @Override
    public byte[] encode(MqttPacket packet) {
        return new byte[dev.tern.codec.encode.MqttEncoder.encodedSize(packet, version)];
    }

    @Override
    public void sendFrame(byte[] frame, int qos) {
        probe.published();
    }

    @Override
    public void sendAndClose(MqttPacket packet) {
        send(packet);
    }

    @Override
    public void close() {
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public void pauseReading() {
    }

    @Override
    public void resumeReading() {
    }

    @Override
    public void setVersion(MqttVersion version) {
        this.version = version;
    }

    @Override
    public int encodedSize(MqttPacket packet) {
        return MqttEncoder.encodedSize(packet, version);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return ADDRESS;
    }

    @Override
    public String listener() {
        return "bench";
    }

    int idCount() {
        return idCount;
    }

    int id(int i) {
        return ids[i];
    }

    int lastId() {
        return ids[idCount - 1];
    }

    void resetIds() {
        idCount = 0;
    }

    /**
     * Counts PUBLISH and control packets over every connection of a benchmark and wakes the benchmark thread
     * when an awaited total is reached (parking, not spinning: on two cores a spinning waiter would steal the
     * shards' CPU).
     */
    static final class Probe {
        private final AtomicLong published = new AtomicLong();
        private final AtomicLong control = new AtomicLong();
        private volatile long publishedTarget = Long.MAX_VALUE;
        private volatile Thread waiter;

        void published() {
            if (published.incrementAndGet() == publishedTarget) {
                LockSupport.unpark(waiter);
            }
        }

        void control() {
            control.incrementAndGet();
        }

        long publishedCount() {
            return published.get();
        }

        /** Announces that the caller will wait for the PUBLISH count to reach {@code target}. Call before acting. */
        void expectPublished(long target) {
            waiter = Thread.currentThread();
            publishedTarget = target;
        }

        /** Waits until the PUBLISH count reaches the announced target; fails after 30 s (messages lost). */
        void awaitPublished() {
            long target = publishedTarget;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (published.get() < target) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + published.get() + " of " + target + " PUBLISH arrived");
                }
            }
        }

        /** Waits (polling, for set-up only) until {@code n} control packets (CONNACK, SUBACK...) have been sent. */
        void awaitControl(long n) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (control.get() < n) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + control.get() + " of " + n + " control packets sent");
                }
            }
        }
    }
}
