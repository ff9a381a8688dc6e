package dev.tern.core;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.Subscribe;
import dev.tern.codec.packet.Subscription;
import dev.tern.spi.auth.AuthResult;
import dev.tern.transport.EventLoops;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import java.time.Clock;
import java.util.ArrayList;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fan-out through a real {@link Broker}: one publisher, {@value #SUBSCRIBERS} subscribers of one topic, each a
 * connected MQTT 3.1.1 client on a {@link BenchConnection}. One invocation publishes one message (handed in as
 * the transport would, from outside the shards) and waits until every subscriber's connection got its PUBLISH,
 * so it covers the whole core path of GUIDE.md §3: publisher shard, topic match, grouping by shard, one
 * DeliverBatch per shard, QoS downgrade, packet ids and inflight window, {@code Connection.send}. Encoding and
 * sockets are not included.
 *
 * <p>At QoS 1 every subscriber also acknowledges each message (the benchmark thread hands the 10,000 PUBACKs in
 * after the deliveries, as the I/O loops would), so the window bookkeeping of a full deliver/ack cycle is in.
 *
 * <p>Parameters: {@code shards} (the broker's shard threads: 1, or 2 as on this 2-core machine) and
 * {@code executors}: {@code io} uses Tern's own I/O event loops as shards (what the broker runs), {@code default}
 * Netty's {@link DefaultEventExecutor} (a blocking queue): the difference is the cost of the hand-over.
 *
 * <p>Score: deliveries per second (one operation = one message delivered to one subscriber).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RoutingFanOutBenchmark {
    static final int SUBSCRIBERS = 10_000;
    private static final String TOPIC = "fanout/room/42";

    @Param({"1", "2"})
    public int shards;

    @Param({"io", "default"})
    public String executors;

    @Param({"0", "1"})
    public int qos;

    private EventLoops loops;
    private List<DefaultEventExecutor> defaultExecutors;
    private Broker broker;
    private final BenchConnection.Probe probe = new BenchConnection.Probe();
    private ClientConnection[] subscribers;
    private BenchConnection[] subscriberConnections;
    private ClientConnection publisher;
    private Publish message;
    private int nextPacketId = 1;

    @Setup(Level.Trial)
    public void setUp() {
        List<EventExecutor> shardExecutors = new ArrayList<>();
        if (executors.equals("io")) {
            loops = EventLoops.create(shards);
            shardExecutors.addAll(loops.executors());
        } else {
            defaultExecutors = new ArrayList<>();
            for (int i = 0; i < shards; i++) {
                DefaultEventExecutor e = new DefaultEventExecutor();
                defaultExecutors.add(e);
                shardExecutors.add(e);
            }
        }
        broker = new Broker(MqttSettings.defaults(), request -> AuthResult.ALLOW, shardExecutors,
                Clock.systemUTC());

        subscribers = new ClientConnection[SUBSCRIBERS];
        subscriberConnections = new BenchConnection[SUBSCRIBERS];
        for (int i = 0; i < SUBSCRIBERS; i++) {
            subscriberConnections[i] = new BenchConnection(probe);
            subscribers[i] = broker.accept(subscriberConnections[i]);
            subscribers[i].onPacket(Connect.of(MqttVersion.V3_1_1, "sub-" + i, true, 0));
            subscribers[i].onPacket(new Subscribe(1, null, List.of(), List.of(Subscription.of(TOPIC, qos))));
        }
        publisher = broker.accept(new BenchConnection(probe));
        publisher.onPacket(Connect.of(MqttVersion.V3_1_1, "publisher", true, 0));
        probe.awaitControl(2L * SUBSCRIBERS + 1); // every CONNACK and SUBACK
        if (broker.subscriptionCount() != SUBSCRIBERS) {
            throw new IllegalStateException(broker.subscriptionCount() + " subscriptions, expected " + SUBSCRIBERS);
        }
        byte[] payload = new byte[64];
        message = Publish.of(TOPIC, qos, false, 0, payload);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        broker.shutdown().orTimeout(10, TimeUnit.SECONDS).join();
        if (loops != null) {
            loops.close();
        }
        if (defaultExecutors != null) {
            for (DefaultEventExecutor e : defaultExecutors) {
                e.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(SUBSCRIBERS)
    public long publishToAll() {
        probe.expectPublished(probe.publishedCount() + SUBSCRIBERS);
        if (qos == 0) {
            publisher.onPacket(message);
        } else {
            int id = nextPacketId;
            nextPacketId = id == 65535 ? 1 : id + 1;
            // the publisher's PUBACK counts as a control packet; the broker never sees this id twice in flight
            publisher.onPacket(new Publish(false, qos, false, TOPIC, id, message.properties(), message.payload()));
        }
        probe.awaitPublished();
        if (qos > 0) {
            for (int i = 0; i < SUBSCRIBERS; i++) {
                BenchConnection c = subscriberConnections[i];
                subscribers[i].onPacket(PubAck.of(c.lastId()));
                c.resetIds();
            }
        }
        return probe.publishedCount();
    }
}
