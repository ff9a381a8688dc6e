package dev.tern.codec.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tern.codec.MqttVersion;
import dev.tern.codec.decode.DecodeFailure;
import dev.tern.codec.decode.MqttDecoder;
import dev.tern.codec.decode.MqttFrameDecoder;
import dev.tern.codec.encode.MqttEncoder;
import dev.tern.codec.packet.MqttPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the whole decoding path: arbitrary bytes into a {@link MqttFrameDecoder} in an {@link EmbeddedChannel},
 * as a server (what clients may send) and as a client of each version (what brokers may send). The oracle:
 * <ul>
 * <li>nothing but packets and at most one {@link DecodeFailure} comes out, and no exception escapes;</li>
 * <li>every decoded packet re-encodes, and decoding that encoding and encoding again gives the same bytes
 * (encode and decode agree on every packet the decoder accepts);</li>
 * <li>the input buffer is released (no leak through the decoder).</li>
 * </ul>
 * Seeds: {@code src/test/resources/dev/tern/codec/fuzz/CodecFuzzTestInputs/decode/}, valid packets of every type;
 * inputs the fuzzer finds are kept there as regression cases.
 */
class CodecFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) {
        decodeAs(MqttDecoder.forServer(), null, input);
        decodeAs(MqttDecoder.forClient(), MqttVersion.V3_1_1, input);
        decodeAs(MqttDecoder.forClient(), MqttVersion.V5, input);
    }

    private static void decodeAs(MqttDecoder decoder, MqttVersion version, byte[] input) {
        MqttFrameDecoder frames = new MqttFrameDecoder(decoder, 1 << 20);
        if (version != null) {
            frames.setVersion(version);
        }
        EmbeddedChannel channel = new EmbeddedChannel(frames);
        ByteBuf in = Unpooled.copiedBuffer(input);
        List<Object> out = new ArrayList<>();
        try {
            channel.writeInbound(in);
            for (Object o; (o = channel.readInbound()) != null; ) {
                out.add(o);
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        if (input.length > 0) { // an empty copy is Unpooled.EMPTY_BUFFER, which is never released
            assertThat(in.refCnt()).as("input released").isZero();
        }
        int failures = 0;
        for (Object o : out) {
            if (o instanceof DecodeFailure) {
                failures++;
                continue;
            }
            assertThat(o).isInstanceOf(MqttPacket.class);
            MqttVersion v = frames.version() != null ? frames.version() : MqttVersion.V3_1_1;
            roundTrip(decoder, (MqttPacket) o, v);
        }
        assertThat(failures).as("at most one failure, and it is the last thing emitted").isLessThanOrEqualTo(1);
        if (failures == 1) {
            assertThat(out.get(out.size() - 1)).isInstanceOf(DecodeFailure.class);
        }
    }

    private static void roundTrip(MqttDecoder decoder, MqttPacket packet, MqttVersion version) {
        byte[] first = encode(packet, version);
        ByteBuf buf = Unpooled.wrappedBuffer(first);
        MqttPacket again;
        try {
            int firstByte = buf.readUnsignedByte();
            dev.tern.codec.wire.VarInt.read(buf);
            again = decoder.decode(firstByte, buf, version);
        } finally {
            buf.release();
        }
        assertThat(encode(again, version)).as("encode(decode(encode(p))) == encode(p) for %s", packet.type())
                .isEqualTo(first);
    }

    private static byte[] encode(MqttPacket p, MqttVersion v) {
        ByteBuf b = MqttEncoder.encode(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, p, v);
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }
}
