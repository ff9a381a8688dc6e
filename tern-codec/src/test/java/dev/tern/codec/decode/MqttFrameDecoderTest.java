package dev.tern.codec.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.Bytes;
import dev.tern.codec.MqttVersion;
import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.PingReq;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.Subscribe;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MqttFrameDecoderTest {
    private static final int[] V5_CONNECT = {
        0x10, 0x10,                                 // CONNECT, remaining length 16
        0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05,       // "MQTT" level 5
        0x02, 0x00, 0x3C,                           // flags: clean start, keep alive 60
        0x00,                                       // property length 0
        0x00, 0x03, 'a', 'b', 'c'};                 // client id
    private static final int[] V311_CONNECT = {
        0x10, 0x0F,                                 // CONNECT, remaining length 15
        0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04,       // "MQTT" level 4
        0x02, 0x00, 0x3C,                           // flags, keep alive
        0x00, 0x03, 'a', 'b', 'c'};                 // client id
    private static final int[] V5_PUBLISH_QOS1 = {
        0x32, 0x08,                                 // PUBLISH QoS 1, remaining length 8
        0x00, 0x01, 't',                            // topic "t"
        0x00, 0x07,                                 // packet id 7
        0x00,                                       // property length 0
        'h', 'i'};                                  // payload
    private static final int[] PINGREQ = {0xC0, 0x00};

    private MqttFrameDecoder decoder;
    private EmbeddedChannel channel;

    private void open(MqttDecoder role, int maxPacketSize) {
        decoder = new MqttFrameDecoder(role, maxPacketSize);
        channel = new EmbeddedChannel(decoder);
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private List<Object> read() {
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = channel.readInbound()) != null) {
            out.add(o);
        }
        return out;
    }

    private static int[] concat(int[]... parts) {
        List<Integer> all = new ArrayList<>();
        for (int[] p : parts) {
            for (int b : p) {
                all.add(b);
            }
        }
        return all.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void framesArrivingByteByByte() {
        open(MqttDecoder.forServer(), 1024);
        int[] stream = concat(V5_CONNECT, V5_PUBLISH_QOS1);
        for (int b : stream) {
            channel.writeInbound(Bytes.buf(b));
        }
        List<Object> out = read();
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).isInstanceOf(Connect.class);
        assertThat(((Publish) out.get(1)).packetId()).isEqualTo(7);
        assertThat(decoder.version()).isEqualTo(MqttVersion.V5);
    }

    @Test
    void severalPacketsInOneBuffer() {
        open(MqttDecoder.forServer(), 1024);
        channel.writeInbound(Bytes.buf(concat(V311_CONNECT, PINGREQ,
                new int[] {0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 'a', 0x01}))); // SUBSCRIBE "a" QoS 1
        List<Object> out = read();
        assertThat(out).hasSize(3);
        assertThat(out.get(0)).isEqualTo(Connect.of(MqttVersion.V3_1_1, "abc", true, 60));
        assertThat(out.get(1)).isSameAs(PingReq.INSTANCE);
        assertThat(out.get(2)).isInstanceOf(Subscribe.class);
        assertThat(decoder.version()).isEqualTo(MqttVersion.V3_1_1);
    }

    @Test
    void tooLargePacketRejectedFromTheHeaderAlone() {
        open(MqttDecoder.forServer(), 100);
        decoder.setVersion(MqttVersion.V5);
        channel.writeInbound(Bytes.buf(0x30, 0xFF, 0xFF, 0x7F)); // PUBLISH claiming 2097151 bytes, no body
        List<Object> out = read();
        assertThat(out).singleElement().isInstanceOfSatisfying(DecodeFailure.class, f -> {
            assertThat(f.reasonCode()).isEqualTo(ReasonCode.PACKET_TOO_LARGE);
            assertThat(f.version()).isEqualTo(MqttVersion.V5);
            assertThat(f.inConnect()).isFalse();
        });
        assertThat(decoder.hasFailed()).isTrue();
    }

    @Test
    void packetOfExactlyTheMaximumSizeIsAccepted() {
        open(MqttDecoder.forServer(), V5_PUBLISH_QOS1.length);
        decoder.setVersion(MqttVersion.V5);
        channel.writeInbound(Bytes.buf(V5_PUBLISH_QOS1));
        assertThat(read()).singleElement().isInstanceOf(Publish.class);
        decoder.setMaxPacketSize(V5_PUBLISH_QOS1.length - 1);
        channel.writeInbound(Bytes.buf(V5_PUBLISH_QOS1));
        assertThat(read()).singleElement().isInstanceOfSatisfying(DecodeFailure.class,
                f -> assertThat(f.reasonCode()).isEqualTo(ReasonCode.PACKET_TOO_LARGE));
    }

    @Test
    void inputAfterFailureIsDiscarded() {
        open(MqttDecoder.forServer(), 1024);
        channel.writeInbound(Bytes.buf(concat(V311_CONNECT, new int[] {0xC1, 0x00}, PINGREQ))); // bad PINGREQ flags
        List<Object> out = read();
        assertThat(out).hasSize(2);
        assertThat(out.get(1)).isInstanceOfSatisfying(DecodeFailure.class, f -> {
            assertThat(f.reasonCode()).isEqualTo(ReasonCode.MALFORMED_PACKET);
            assertThat(f.version()).isEqualTo(MqttVersion.V3_1_1);
            assertThat(f.inConnect()).isFalse();
        });
        channel.writeInbound(Bytes.buf(PINGREQ));
        channel.writeInbound(Bytes.buf(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF));
        assertThat(read()).isEmpty();
    }

    @Test
    void failingV5ConnectReportsItsVersion() {
        open(MqttDecoder.forServer(), 1024);
        int[] connect = V5_CONNECT.clone();
        connect[9] = 0x03; // flags: clean start + reserved bit
        channel.writeInbound(Bytes.buf(connect));
        assertThat(read()).singleElement().isInstanceOfSatisfying(DecodeFailure.class, f -> {
            assertThat(f.reasonCode()).isEqualTo(ReasonCode.MALFORMED_PACKET);
            assertThat(f.version()).isEqualTo(MqttVersion.V5);
            assertThat(f.inConnect()).isTrue();
        });
        assertThat(decoder.version()).isNull();
    }

    @Test
    void unsupportedProtocolLevelReportsNoVersion() {
        open(MqttDecoder.forServer(), 1024);
        int[] connect = V311_CONNECT.clone();
        connect[8] = 0x07; // protocol level 7
        channel.writeInbound(Bytes.buf(connect));
        assertThat(read()).singleElement().isInstanceOfSatisfying(DecodeFailure.class, f -> {
            assertThat(f.reasonCode()).isEqualTo(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION);
            assertThat(f.version()).isNull();
            assertThat(f.inConnect()).isTrue();
        });
    }

    @Test
    void tooLargeConnectReportsTheVersionOfWhatArrived() {
        open(MqttDecoder.forServer(), 10);
        channel.writeInbound(Bytes.buf(V5_CONNECT));
        assertThat(read()).singleElement().isInstanceOfSatisfying(DecodeFailure.class, f -> {
            assertThat(f.reasonCode()).isEqualTo(ReasonCode.PACKET_TOO_LARGE);
            assertThat(f.version()).isEqualTo(MqttVersion.V5);
            assertThat(f.inConnect()).isTrue();
        });
    }

    @Test
    void remainingLengthOfFiveBytesIsMalformed() {
        open(MqttDecoder.forServer(), Integer.MAX_VALUE);
        decoder.setVersion(MqttVersion.V3_1_1);
        channel.writeInbound(Bytes.buf(0x30, 0x80, 0x80, 0x80, 0x80, 0x01));
        assertThat(read()).singleElement().isInstanceOfSatisfying(DecodeFailure.class,
                f -> assertThat(f.reasonCode()).isEqualTo(ReasonCode.MALFORMED_PACKET));
    }

    @Test
    void packetBeforeConnectIsAProtocolError() {
        open(MqttDecoder.forServer(), 1024);
        channel.writeInbound(Bytes.buf(PINGREQ));
        assertThat(read()).singleElement().isInstanceOfSatisfying(DecodeFailure.class, f -> {
            assertThat(f.reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);
            assertThat(f.version()).isNull();
            assertThat(f.inConnect()).isFalse();
        });
    }

    @Test
    void clientRoleWithVersionSet() {
        open(MqttDecoder.forClient(), 1024);
        decoder.setVersion(MqttVersion.V5);
        channel.writeInbound(Bytes.buf(0x20, 0x03, 0x01, 0x00, 0x00, 0xD0)); // CONNACK + half a PINGRESP
        assertThat(read()).singleElement().usingRecursiveComparison().isEqualTo(Connack.of(true, 0));
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x00}));
        assertThat(read()).hasSize(1);
    }
}
