package dev.tern.codec.decode;

import dev.tern.codec.MalformedPacketException;
import dev.tern.codec.MqttVersion;
import dev.tern.codec.PacketType;
import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.wire.VarInt;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames the byte stream into MQTT packets and decodes them with an {@link MqttDecoder}, emitting
 * {@link MqttPacket}s. A packet larger than the maximum packet size is rejected from its fixed header alone,
 * before its body is buffered. On the first failure it emits one {@link DecodeFailure} and from then on discards
 * all input; it never throws.
 *
 * <p>The protocol version is taken from the first CONNECT decoded (server role) or set with
 * {@link #setVersion(MqttVersion)} (client role). Not thread-safe: use from the channel's event loop.
 */
public final class MqttFrameDecoder extends ByteToMessageDecoder {
    private final MqttDecoder decoder;
    private int maxPacketSize;
    private MqttVersion version;
    private boolean failed;

    /**
     * @param maxPacketSize the largest whole packet (fixed header included) accepted, in bytes
     */
    public MqttFrameDecoder(MqttDecoder decoder, int maxPacketSize) {
        if (maxPacketSize < 2) {
            throw new IllegalArgumentException("maxPacketSize must be at least 2: " + maxPacketSize);
        }
        this.decoder = decoder;
        this.maxPacketSize = maxPacketSize;
    }

    /** The protocol version of the connection, null until known. */
    public MqttVersion version() {
        return version;
    }

    /** Sets the protocol version packets are decoded with. */
    public void setVersion(MqttVersion version) {
        this.version = version;
    }

    public int maxPacketSize() {
        return maxPacketSize;
    }

    /** Changes the largest packet accepted from now on. */
    public void setMaxPacketSize(int maxPacketSize) {
        if (maxPacketSize < 2) {
            throw new IllegalArgumentException("maxPacketSize must be at least 2: " + maxPacketSize);
        }
        this.maxPacketSize = maxPacketSize;
    }

    /** True once a failure has been emitted. */
    public boolean hasFailed() {
        return failed;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int start = in.readerIndex();
        int firstByte = -1;
        try {
            if (in.readableBytes() < 2) {
                return;
            }
            firstByte = in.getUnsignedByte(start);
            int remaining = VarInt.peek(in, start + 1, in.writerIndex());
            if (remaining == VarInt.INCOMPLETE) {
                return;
            }
            int headerSize = 1 + VarInt.size(remaining);
            if ((long) headerSize + remaining > maxPacketSize) {
                throw new MalformedPacketException(ReasonCode.PACKET_TOO_LARGE,
                        "packet of " + ((long) headerSize + remaining) + " bytes exceeds maximum " + maxPacketSize);
            }
            if (in.readableBytes() < headerSize + remaining) {
                return;
            }
            in.skipBytes(headerSize);
            ByteBuf body = in.readSlice(remaining);
            MqttPacket packet = decoder.decode(firstByte, body, version);
            if (version == null && packet instanceof Connect connect) {
                version = connect.version();
            }
            out.add(packet);
        } catch (MalformedPacketException e) {
            in.readerIndex(start);
            out.add(failure(e, firstByte, in));
            failed = true;
            in.skipBytes(in.readableBytes());
        }
    }

    private DecodeFailure failure(MalformedPacketException e, int firstByte, ByteBuf in) {
        boolean inConnect = firstByte >= 0 && (firstByte >> 4) == PacketType.CONNECT.code();
        MqttVersion failedVersion = version;
        if (inConnect && failedVersion == null) {
            failedVersion = announcedVersion(in);
        }
        return new DecodeFailure(e, failedVersion, inConnect);
    }

    /** The version a (possibly incomplete) CONNECT at the reader index announces, or null. */
    private static MqttVersion announcedVersion(ByteBuf in) {
        int start = in.readerIndex();
        try {
            int remaining = VarInt.peek(in, start + 1, in.writerIndex());
            if (remaining == VarInt.INCOMPLETE) {
                return null;
            }
            int bodyStart = start + 1 + VarInt.size(remaining);
            int available = Math.min(remaining, in.writerIndex() - bodyStart);
            return available <= 0 ? null : ConnectDecoder.peekVersion(in.slice(bodyStart, available));
        } catch (MalformedPacketException e) {
            return null;
        }
    }
}
