package dev.tern.codec.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.codec.Bytes;
import dev.tern.codec.MalformedPacketException;
import dev.tern.codec.ReasonCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class VarIntTest {

    @ParameterizedTest
    @CsvSource({
        "0, 00",
        "127, 7f",
        "128, 8001",
        "16383, ff7f",
        "16384, 808001",
        "2097151, ffff7f",
        "2097152, 80808001",
        "268435455, ffffff7f"})
    void boundaries(int value, String hex) {
        ByteBuf buf = Unpooled.buffer();
        try {
            VarInt.write(buf, value);
            assertThat(ByteBufUtil.hexDump(buf)).isEqualTo(hex);
            assertThat(VarInt.size(value)).isEqualTo(hex.length() / 2);
            assertThat(VarInt.read(buf)).isEqualTo(value);
            assertThat(buf.isReadable()).isFalse();
        } finally {
            buf.release();
        }
    }

    @Test
    void fiveBytesAreMalformed() {
        ByteBuf buf = Bytes.buf(0xFF, 0xFF, 0xFF, 0xFF, 0x01);
        try {
            assertThatThrownBy(() -> VarInt.read(buf)).isInstanceOf(MalformedPacketException.class)
                    .extracting(e -> ((MalformedPacketException) e).reasonCode())
                    .isEqualTo(ReasonCode.MALFORMED_PACKET);
        } finally {
            buf.release();
        }
    }

    @Test
    void nonMinimalEncodingIsMalformed() {
        ByteBuf buf = Bytes.buf(0x80, 0x00); // 0 in two bytes
        try {
            assertThatThrownBy(() -> VarInt.read(buf)).isInstanceOf(MalformedPacketException.class);
        } finally {
            buf.release();
        }
    }

    @Test
    void truncatedIsMalformedOnReadAndIncompleteOnPeek() {
        ByteBuf buf = Bytes.buf(0x80, 0x80);
        try {
            assertThat(VarInt.peek(buf, 0, buf.writerIndex())).isEqualTo(VarInt.INCOMPLETE);
            assertThatThrownBy(() -> VarInt.read(buf)).isInstanceOf(MalformedPacketException.class);
        } finally {
            buf.release();
        }
    }

    @Test
    void outOfRangeValuesCannotBeWritten() {
        ByteBuf buf = Unpooled.buffer();
        try {
            assertThatThrownBy(() -> VarInt.write(buf, 268_435_456)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> VarInt.size(-1)).isInstanceOf(IllegalArgumentException.class);
        } finally {
            buf.release();
        }
    }
}
