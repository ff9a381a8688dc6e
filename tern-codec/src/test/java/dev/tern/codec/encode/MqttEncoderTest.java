package dev.tern.codec.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.codec.Bytes;
import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.Auth;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.PubRel;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.UnsubAck;
import dev.tern.codec.packet.UserProperty;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact bytes for the encoder's choices: short forms, fixed header flags, protocol names. */
class MqttEncoderTest {
    private static final MqttVersion V3 = MqttVersion.V3_1_1;
    private static final MqttVersion V5 = MqttVersion.V5;

    private static byte[] encode(MqttPacket p, MqttVersion v) {
        ByteBuf buf = MqttEncoder.encode(ByteBufAllocator.DEFAULT, p, v);
        try {
            assertThat(buf.readableBytes()).isEqualTo(MqttEncoder.encodedSize(p, v));
            assertThat(buf.capacity()).isEqualTo(buf.readableBytes());
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void v5AckShortForms() {
        assertThat(encode(PubAck.of(10), V5)).isEqualTo(Bytes.of(0x40, 0x02, 0x00, 0x0A));
        assertThat(encode(PubAck.of(10, 0x10), V5)).isEqualTo(Bytes.of(0x40, 0x03, 0x00, 0x0A, 0x10));
        assertThat(encode(new PubAck(10, 0, "x", List.of()), V5))
                .isEqualTo(Bytes.of(0x40, 0x08, 0x00, 0x0A, 0x00, 0x04, 0x1F, 0x00, 0x01, 'x'));
    }

    @Test
    void v311AckIgnoresReasonCode() {
        assertThat(encode(PubAck.of(10, 0x80), V3)).isEqualTo(Bytes.of(0x40, 0x02, 0x00, 0x0A));
    }

    @Test
    void pubrelCarriesFlags() {
        assertThat(encode(PubRel.of(1), V3)).isEqualTo(Bytes.of(0x62, 0x02, 0x00, 0x01));
    }

    @Test
    void publishFixedHeaderFlags() {
        assertThat(encode(Publish.of("t", 1, true, 5, new byte[] {'x'}).withDup(true), V3))
                .isEqualTo(Bytes.of(0x3B, 0x06, 0x00, 0x01, 't', 0x00, 0x05, 'x'));
    }

    @Test
    void v5DisconnectShortForms() {
        assertThat(encode(Disconnect.NORMAL, V5)).isEqualTo(Bytes.of(0xE0, 0x00));
        assertThat(encode(Disconnect.of(0x04), V5)).isEqualTo(Bytes.of(0xE0, 0x01, 0x04));
        assertThat(encode(Disconnect.of(0x8E), V3)).isEqualTo(Bytes.of(0xE0, 0x00));
    }

    @Test
    void v311UnsubackIsJustThePacketId() {
        assertThat(encode(new UnsubAck(10, null, List.of(), List.of(0)), V3))
                .isEqualTo(Bytes.of(0xB0, 0x02, 0x00, 0x0A));
    }

    @Test
    void v31ConnectUsesMqisdp() {
        assertThat(encode(Connect.of(MqttVersion.V3_1, "abc", false, 10), MqttVersion.V3_1)).isEqualTo(Bytes.of(
                0x10, 0x11, 0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p', 0x03, 0x00, 0x00, 0x0A,
                0x00, 0x03, 'a', 'b', 'c'));
    }

    @Test
    void v5ConnectMatchesTheDecoderTestBytes() {
        Connect c = new Connect(MqttVersion.V5, "abc", true, 60, null, null, null, 60, 10, 4096, 5, true, false,
                null, null, List.of(new UserProperty("k", "v")));
        assertThat(encode(c, V5)).isEqualTo(Bytes.of(
                0x10, 0x2B, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C,
                0x1B,
                0x11, 0x00, 0x00, 0x00, 0x3C,
                0x21, 0x00, 0x0A,
                0x27, 0x00, 0x00, 0x10, 0x00,
                0x22, 0x00, 0x05,
                0x19, 0x01,
                0x17, 0x00,
                0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v',
                0x00, 0x03, 'a', 'b', 'c'));
    }

    @Test
    void largePayloadUsesAMultiByteRemainingLength() {
        Publish p = Publish.of("t", 0, false, 0, new byte[200]);
        byte[] bytes = encode(p, V3);
        assertThat(bytes).hasSize(1 + 2 + 3 + 200);
        assertThat(bytes[1]).isEqualTo((byte) 0xCB); // 203 = 0xCB 0x01
        assertThat(bytes[2]).isEqualTo((byte) 0x01);
    }

    @Test
    void authNeedsMqtt5() {
        assertThatThrownBy(() -> MqttEncoder.encodedSize(new Auth(0, null, null, null, List.of()), V3))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
