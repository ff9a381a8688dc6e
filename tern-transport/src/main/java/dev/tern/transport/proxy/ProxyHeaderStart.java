package dev.tern.transport.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * Checks the first bytes of a connection against the start of a PROXY header (v1 {@code "PROXY "}, or the v2
 * signature) as they arrive, so that a client that speaks MQTT, TLS or HTTP straight away is refused at once
 * instead of waiting for the connect timeout while the header decoder looks for a line end. Removes itself once
 * a header has begun.
 */
final class ProxyHeaderStart extends ChannelInboundHandlerAdapter {
    private static final byte[] V1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2 = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private final String listener;
    private int checked;
    private boolean maybeV1 = true;
    private boolean maybeV2 = true;

    ProxyHeaderStart(String listener) {
        this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        for (int i = in.readerIndex(); i < in.writerIndex() && !begun(); i++, checked++) {
            byte b = in.getByte(i);
            maybeV1 &= checked >= V1.length || V1[checked] == b;
            maybeV2 &= checked >= V2.length || V2[checked] == b;
            if (!maybeV1 && !maybeV2) {
                ReferenceCountUtil.release(msg);
                ProxyProtocol.refuse(ctx, listener, "no PROXY protocol header");
                return;
            }
        }
        if (begun()) {
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }

    private boolean begun() {
        return (maybeV1 && checked >= V1.length) || (maybeV2 && checked >= V2.length);
    }
}
