package dev.tern.transport.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The PROXY handlers on an {@link EmbeddedChannel}: headers that arrive a byte at a time, the bytes after the
 * header passed on untouched, the handlers gone afterwards, and a connection refused at its first wrong byte.
 */
class ProxyProtocolPipelineTest {
    /** MQTT 3.1.1 CONNECT, client id "c1". */
    private static final byte[] CONNECT = {0x10, 0x0E, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C,
        0x00, 0x02, 'c', '1'};

    private static EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ProxyProtocol.addTo(ch.pipeline(), "tcp test");
        return ch;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Everything that came out of the end of the pipeline, as one array. */
    private static byte[] passedOn(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        for (Object m = ch.readInbound(); m != null; m = ch.readInbound()) {
            all.writeBytes((ByteBuf) m);
            ((ByteBuf) m).release();
        }
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }

    @Test
    void v1HeaderOneByteAtATimeThenConnectInTheSameBufferAsItsEnd() {
        EmbeddedChannel ch = channel();
        byte[] header = "PROXY TCP4 203.0.113.7 127.0.0.1 5555 1883\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < header.length - 1; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {header[i]}));
            assertThat(ClientAddress.isProxied(ch)).isFalse();
        }
        ch.writeInbound(Unpooled.wrappedBuffer(concat(new byte[] {header[header.length - 1]}, CONNECT)));
        assertThat(ClientAddress.of(ch)).isEqualTo(new InetSocketAddress("203.0.113.7", 5555));
        assertThat(passedOn(ch)).isEqualTo(CONNECT);
        assertThat(ch.pipeline().names()).noneMatch(n -> n.startsWith("proxy-"));
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void v2HeaderOverIpv6() {
        EmbeddedChannel ch = channel();
        ByteBuf h = Unpooled.buffer();
        h.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        h.writeByte(0x21).writeByte(0x21).writeShort(36); // PROXY, AF_INET6 STREAM, 16 + 16 + 2 + 2
        byte[] src = new byte[16];
        src[0] = 0x20;
        src[1] = 0x01;
        src[2] = 0x0d;
        src[3] = (byte) 0xb8;
        src[15] = 0x07;
        byte[] dst = new byte[16];
        dst[15] = 1;
        h.writeBytes(src).writeBytes(dst).writeShort(40001).writeShort(1883);
        h.writeBytes(CONNECT);
        ch.writeInbound(h);
        assertThat(ClientAddress.of(ch).getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(ClientAddress.of(ch).getPort()).isEqualTo(40001);
        assertThat(passedOn(ch)).isEqualTo(CONNECT);
        ch.finishAndReleaseAll();
    }

    @Test
    void refusedAtTheFirstByteThatCannotStartAHeader() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'P', 'R', 'O'}));
        assertThat(ch.isOpen()).isTrue();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'Z'})); // "PROZ"
        assertThat(ch.isOpen()).isFalse();
        assertThat(passedOn(ch)).isEmpty();
        ch.finishAndReleaseAll();
    }

    @Test
    void aPlainMqttConnectIsRefusedAtOnce() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x10}));
        assertThat(ch.isOpen()).isFalse();
        assertThat(ClientAddress.isProxied(ch)).isFalse();
        ch.finishAndReleaseAll();
    }
}
