package dev.tern.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;

/** {@link WebSocketFraming} alone: frames in, bytes out; bytes in, binary frames out; text frames close. */
class WebSocketFramingTest {
    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new WebSocketFraming("ws test"));
    }

    @Test
    void binaryAndContinuationFramesBecomeTheirBytes() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {0x10, 0x0E})));
        ch.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[] {0x00, 0x04})));
        ByteBuf first = ch.readInbound();
        ByteBuf second = ch.readInbound();
        assertThat(first.readableBytes()).isEqualTo(2);
        assertThat(first.getByte(0)).isEqualTo((byte) 0x10);
        assertThat(second.getByte(1)).isEqualTo((byte) 0x04);
        first.release();
        second.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void writtenBytesGoOutAsOneBinaryFrameEach() {
        EmbeddedChannel ch = channel();
        ch.writeOutbound(Unpooled.wrappedBuffer(new byte[] {0x20, 0x02, 0x00, 0x00}));
        BinaryWebSocketFrame frame = ch.readOutbound();
        assertThat(frame.isFinalFragment()).isTrue();
        assertThat(frame.content().readableBytes()).isEqualTo(4);
        frame.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aTextFrameIsAnsweredWithClose1003AndTheChannelCloses() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(new TextWebSocketFrame("hello"));
        assertThat((Object) ch.readInbound()).isNull();
        CloseWebSocketFrame close = ch.readOutbound();
        assertThat(close.statusCode()).isEqualTo(1003);
        close.release();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }
}
