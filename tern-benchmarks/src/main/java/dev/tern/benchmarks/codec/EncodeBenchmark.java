package dev.tern.benchmarks.codec;

import dev.tern.benchmarks.EventLoopLikeThreads;
import dev.tern.codec.MqttVersion;
import dev.tern.codec.encode.MqttEncoder;
import dev.tern.codec.packet.MqttPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding one packet record to wire bytes, three ways:
 * <ul>
 *   <li>{@link #encodeAllocate}: what the transport does per packet today: compute the exact size, take a
 *       direct buffer of that size from Netty's default allocator (as {@code channel.alloc()} does), write the
 *       packet, release the buffer (the release stands for the socket write returning it to the pool). The
 *       benchmark threads are {@link EventLoopLikeThreads}, so the allocator's thread-local caches work as on an
 *       I/O loop;</li>
 *   <li>{@link #encodeInto}: writing into a buffer that is already there (the cost of the bytes alone, size
 *       computation included);</li>
 *   <li>{@link #encodedSize}: the size computation alone (the broker calls it for MQTT 5 subscribers to honour
 *       their maximum packet size, then encodes, so it is paid twice for those).</li>
 * </ul>
 * Score: average nanoseconds per packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {EventLoopLikeThreads.JVM_ARG_EXECUTOR, EventLoopLikeThreads.JVM_ARG_CLASS})
public class EncodeBenchmark {

    /** Every sample packet type and version; narrow with {@code -p packet=PUBLISH_QOS1_311,PUBACK_311}. */
    @Param
    public PacketSample packet;

    private MqttPacket value;
    private MqttVersion version;
    private ByteBuf reused;

    @Setup(Level.Trial)
    public void setUp() {
        value = packet.packet();
        version = packet.version();
        reused = ByteBufAllocator.DEFAULT.directBuffer(4096);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        reused.release();
    }

    @Benchmark
    public int encodeAllocate() {
        ByteBuf buf = MqttEncoder.encode(ByteBufAllocator.DEFAULT, value, version);
        int written = buf.writerIndex();
        buf.release();
        return written;
    }

    @Benchmark
    public int encodeInto() {
        reused.clear();
        MqttEncoder.encode(value, version, reused);
        return reused.writerIndex();
    }

    @Benchmark
    public int encodedSize() {
        return MqttEncoder.encodedSize(value, version);
    }
}
