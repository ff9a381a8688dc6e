package dev.tern.core;

import dev.tern.codec.packet.PublishProperties;
import dev.tern.spi.auth.AuthResult;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The session queue of one subscriber ({@link PublishOutFlow}): what a shard does per message and per
 * acknowledgement for one online session, on one thread with no hand-over, so the score is the bookkeeping alone
 * (packet id allocation, the inflight window, the queue, building the outgoing PUBLISH record and calling
 * {@code Connection.send} on a {@link BenchConnection} that encodes nothing).
 *
 * <p>The flow runs on the benchmark thread: it is owned by a shard in the broker, but touches nothing but its
 * session's state, so calling it directly measures the same code without a thread hop. The client is an MQTT
 * 3.1.1 connection bound to a real {@link Broker} (whose stats counters are updated as in production) with the
 * default receive maximum of 128.
 *
 * <p>Score: average nanoseconds per message (one message = its delivery and its acknowledgement).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PublishOutFlowBenchmark {
    /** Messages per invocation of {@link #windowFullQueueAndDrain}: twice the receive maximum. */
    private static final int BURST = 256;

    private DefaultEventExecutor unusedShard;
    private PublishOutFlow flow;
    private BenchConnection connection;
    private ClientConnection client;
    private Outbound qos0;
    private Outbound qos1;
    private Outbound qos2;
    private long now;

    @Setup(Level.Trial)
    public void setUp() {
        unusedShard = new DefaultEventExecutor();
        MqttSettings settings = MqttSettings.defaults();
        Broker broker = new Broker(settings, request -> AuthResult.ALLOW, List.of(unusedShard), Clock.systemUTC());
        connection = new BenchConnection(new BenchConnection.Probe());
        client = broker.accept(connection);
        flow = new PublishOutFlow(settings, broker.stats());
        Message message = new Message("tenant/42/device/17/temp", new byte[64], 1, false, PublishProperties.EMPTY,
                "publisher", 0);
        qos0 = new Outbound(message, 0, false, List.of(), null);
        qos1 = new Outbound(message, 1, false, List.of(), null);
        qos2 = new Outbound(message, 2, false, List.of(), null);
        now = System.currentTimeMillis();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        unusedShard.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** QoS 0: straight through to the connection (expiry check, PUBLISH record, send). */
    @Benchmark
    public int deliverQos0() {
        flow.deliver(qos0, client, now);
        return flow.inflightCount();
    }

    /** QoS 1: a packet id and a window slot for the PUBLISH, released by its PUBACK. */
    @Benchmark
    public boolean deliverAckQos1() {
        connection.resetIds();
        flow.deliver(qos1, client, now);
        return flow.onPubAck(connection.lastId());
    }

    /** QoS 2: PUBLISH, then PUBREC (the slot is kept as released) and PUBCOMP. */
    @Benchmark
    public boolean deliverAckQos2() {
        connection.resetIds();
        flow.deliver(qos2, client, now);
        int id = connection.lastId();
        flow.onPubRec(id, false);
        return flow.onPubComp(id);
    }

    /**
     * A burst of {@value #BURST} QoS 1 messages against a window of 128: the first 128 go out, the rest wait in
     * the queue; the client acknowledges, the queue drains into the freed window, the client acknowledges again.
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public int windowFullQueueAndDrain() {
        connection.resetIds();
        for (int i = 0; i < BURST; i++) {
            flow.deliver(qos1, client, now);
        }
        ackAll();
        flow.drain(client, now);
        ackAll();
        if (flow.queuedCount() != 0 || flow.inflightCount() != 0) {
            throw new IllegalStateException("queue " + flow.queuedCount() + ", inflight " + flow.inflightCount());
        }
        return connection.idCount();
    }

    /**
     * A subscriber whose socket is full (not writable): {@value #BURST} QoS 1 messages queue up; the socket
     * drains, the queue is sent window by window and acknowledged.
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public int unwritableQueueAndDrain() {
        connection.writable = false;
        for (int i = 0; i < BURST; i++) {
            flow.deliver(qos1, client, now);
        }
        connection.writable = true;
        while (flow.queuedCount() > 0) {
            connection.resetIds();
            flow.drain(client, now);
            ackAll();
        }
        return flow.inflightCount();
    }

    private void ackAll() {
        for (int i = 0, n = connection.idCount(); i < n; i++) {
            flow.onPubAck(connection.id(i));
        }
        connection.resetIds();
    }
}
