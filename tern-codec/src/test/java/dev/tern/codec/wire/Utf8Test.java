package dev.tern.codec.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.codec.Bytes;
import dev.tern.codec.MalformedPacketException;
import dev.tern.codec.ReasonCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class Utf8Test {

    private static String read(int... bytes) {
        ByteBuf buf = Bytes.buf(bytes);
        try {
            String s = Utf8.read(buf);
            assertThat(buf.isReadable()).isFalse();
            return s;
        } finally {
            buf.release();
        }
    }

    private static void assertMalformed(int... bytes) {
        assertThatThrownBy(() -> read(bytes)).isInstanceOf(MalformedPacketException.class)
                .extracting(e -> ((MalformedPacketException) e).reasonCode())
                .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }

    @Test
    void ascii() {
        assertThat(read(0x00, 0x03, 'a', '/', 'b')).isEqualTo("a/b");
    }

    @Test
    void empty() {
        assertThat(read(0x00, 0x00)).isEmpty();
    }

    @Test
    void multiByteCharacters() {
        assertThat(read(0x00, 0x02, 0xC3, 0xA9)).isEqualTo("\u00E9");            // U+00E9
        assertThat(read(0x00, 0x03, 0xE2, 0x82, 0xAC)).isEqualTo("\u20AC");      // U+20AC
        assertThat(read(0x00, 0x04, 0xF0, 0x9F, 0x98, 0x80)).isEqualTo("\uD83D\uDE00"); // U+1F600
        assertThat(read(0x00, 0x04, 0xF4, 0x8F, 0xBF, 0xBF)).isEqualTo("\uDBFF\uDFFF"); // U+10FFFF
        assertThat(read(0x00, 0x03, 0xEF, 0xBB, 0xBF)).isEqualTo("\uFEFF");      // BOM is kept
    }

    @Test
    void nullCharacterIsMalformed() {
        assertMalformed(0x00, 0x03, 'a', 0x00, 'b');
    }

    @Test
    void loneSurrogateIsMalformed() {
        assertMalformed(0x00, 0x03, 0xED, 0xA0, 0x80); // U+D800
        assertMalformed(0x00, 0x03, 0xED, 0xBF, 0xBF); // U+DFFF
    }

    @Test
    void overlongFormsAreMalformed() {
        assertMalformed(0x00, 0x02, 0xC0, 0xAF);             // '/' in two bytes
        assertMalformed(0x00, 0x02, 0xC1, 0xBF);
        assertMalformed(0x00, 0x03, 0xE0, 0x80, 0xAF);       // '/' in three bytes
        assertMalformed(0x00, 0x04, 0xF0, 0x80, 0x80, 0xAF); // '/' in four bytes
    }

    @Test
    void codePointsAboveU10FFFFAreMalformed() {
        assertMalformed(0x00, 0x04, 0xF4, 0x90, 0x80, 0x80); // U+110000
        assertMalformed(0x00, 0x04, 0xF5, 0x80, 0x80, 0x80);
    }

    @Test
    void truncatedAndStrayBytesAreMalformed() {
        assertMalformed(0x00, 0x01, 0xC3);             // lead byte without continuation
        assertMalformed(0x00, 0x02, 0xE2, 0x82);       // three-byte form cut short
        assertMalformed(0x00, 0x01, 0x80);             // continuation byte alone
        assertMalformed(0x00, 0x02, 0xC3, 0x41);       // lead byte followed by ASCII
        assertMalformed(0x00, 0x01, 0xFF);
    }

    @Test
    void lengthBeyondBufferIsMalformed() {
        assertMalformed(0x00, 0x05, 'a', 'b');
    }

    @Test
    void writeAndEncodedLength() {
        ByteBuf buf = Unpooled.buffer();
        try {
            String s = "a\u00E9\u20AC\uD83D\uDE00";
            Utf8.write(buf, s);
            assertThat(buf.readableBytes()).isEqualTo(Utf8.encodedLength(s)).isEqualTo(2 + 1 + 2 + 3 + 4);
            assertThat(Utf8.read(buf)).isEqualTo(s);
        } finally {
            buf.release();
        }
    }

    @Test
    void tooLongStringCannotBeWritten() {
        assertThatThrownBy(() -> Utf8.encodedLength("x".repeat(65_536)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void binaryData() {
        ByteBuf buf = Unpooled.buffer();
        try {
            Binary.write(buf, new byte[] {0, 1, (byte) 0xFF});
            assertThat(buf.readableBytes()).isEqualTo(Binary.encodedLength(new byte[3])).isEqualTo(5);
            assertThat(Binary.read(buf)).containsExactly(0, 1, 0xFF);
        } finally {
            buf.release();
        }
        ByteBuf shortBuf = Bytes.buf(0x00, 0x04, 1, 2);
        try {
            assertThatThrownBy(() -> Binary.read(shortBuf)).isInstanceOf(MalformedPacketException.class);
        } finally {
            shortBuf.release();
        }
    }
}
