package dev.tern.benchmarks.codec;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.decode.MqttDecoder;
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
 * Decoding one packet body into its packet record, as the broker's frame decoder does for every frame: from the
 * first byte and a direct buffer (Netty's default allocator) holding exactly the remaining-length bytes, to an
 * immutable {@link MqttPacket}. Strict validation (UTF-8, topic rules, property rules) is included; framing (finding
 * the remaining length in the stream) is not.
 *
 * <p>Score: average nanoseconds per decoded packet. Allocation per packet shows with {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecodeBenchmark {

    /** Every sample packet type and version; narrow with {@code -p packet=PUBLISH_QOS1_311,PUBACK_311}. */
    @Param
    public PacketSample packet;

    private MqttDecoder decoder;
    private MqttVersion version;
    private int firstByte;
    private ByteBuf body;

    @Setup(Level.Trial)
    public void setUp() {
        decoder = packet.decoder();
        // CONNECT carries its own version: the decoder is called with none, as before the first packet
        version = packet.packet().type() == dev.tern.codec.PacketType.CONNECT ? null : packet.version();
        firstByte = packet.firstByte();
        byte[] bytes = packet.body();
        body = ByteBufAllocator.DEFAULT.directBuffer(bytes.length);
        body.writeBytes(bytes);
        // a wrong sample would make every invocation throw: check once, loudly
        MqttPacket decoded = decode();
        if (decoded.type() != packet.packet().type()) {
            throw new IllegalStateException("decoded " + decoded.type() + " from sample " + packet);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        body.release();
    }

    @Benchmark
    public MqttPacket decode() {
        body.readerIndex(0);
        return decoder.decode(firstByte, body, version);
    }
}
