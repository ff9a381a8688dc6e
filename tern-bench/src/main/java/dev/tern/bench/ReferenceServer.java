package dev.tern.bench;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.decode.DecodeFailure;
import dev.tern.codec.decode.MqttDecoder;
import dev.tern.codec.decode.MqttFrameDecoder;
import dev.tern.codec.encode.MqttEncoder;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.packet.PingReq;
import dev.tern.codec.packet.PingResp;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.PubComp;
import dev.tern.codec.packet.PubRec;
import dev.tern.codec.packet.PubRel;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.SubAck;
import dev.tern.codec.packet.Subscribe;
import dev.tern.codec.packet.Subscription;
import dev.tern.codec.wire.Topics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The bench's yardsticks: servers with no MQTT logic beyond what keeps a client going, to measure the load
 * generator itself.
 * <ul>
 * <li>{@link Mode#SINK}: acknowledges everything (CONNACK, SUBACK, PUBACK, PUBREC/PUBCOMP, PINGRESP) and discards
 * every PUBLISH: the ceiling of what {@code tern bench} can send.</li>
 * <li>{@link Mode#RELAY}: also forwards each PUBLISH, re-encoded once, to every connection whose subscription
 * matches, with the publisher's packet id and QoS and no session state: the latency floor of the generator and
 * the loopback path.</li>
 * </ul>
 */
public final class ReferenceServer implements AutoCloseable {
    /** What the server does with PUBLISH. */
    public enum Mode { SINK, RELAY }

    private final Mode mode;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final List<Route> routes = new CopyOnWriteArrayList<>();

    private record Route(String filter, Channel channel, MqttVersion version) {
    }

    public ReferenceServer(Mode mode, String host, int port, int threads) {
        this.mode = mode;
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("tern-" + mode.name()
                .toLowerCase(java.util.Locale.ROOT)), factory);
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new MqttFrameDecoder(MqttDecoder.forServer(), 268_435_460),
                                new Handler());
                    }
                });
        this.serverChannel = b.bind(new InetSocketAddress(host, port)).syncUninterruptibly().channel();
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        private MqttVersion version = MqttVersion.V3_1_1;

        private void send(ChannelHandlerContext ctx, MqttPacket p) {
            ctx.write(MqttEncoder.encode(ctx.alloc(), p, version));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Publish p) {
                if (p.qos() == 1) {
                    send(ctx, PubAck.of(p.packetId()));
                } else if (p.qos() == 2) {
                    send(ctx, PubRec.of(p.packetId()));
                }
                if (mode == Mode.RELAY) {
                    relay(p);
                }
            } else if (msg instanceof PubRel r) {
                send(ctx, PubComp.of(r.packetId()));
            } else if (msg instanceof PubRec r) {
                send(ctx, PubRel.of(r.packetId()));
            } else if (msg instanceof Connect c) {
                version = c.version();
                send(ctx, Connack.of(false, 0));
            } else if (msg instanceof Subscribe s) {
                List<Integer> codes = new ArrayList<>();
                for (Subscription sub : s.subscriptions()) {
                    routes.add(new Route(sub.topicFilter(), ctx.channel(), version));
                    codes.add(sub.qos());
                }
                send(ctx, new SubAck(s.packetId(), null, List.of(), codes));
            } else if (msg instanceof PingReq) {
                send(ctx, PingResp.INSTANCE);
            } else if (msg instanceof DecodeFailure) {
                ctx.close();
            }
        }

        private void relay(Publish p) {
            ByteBuf frame = null;
            for (Route r : routes) {
                if (r.channel().isActive() && Topics.matches(r.filter(), p.topic())) {
                    if (frame == null) {
                        frame = MqttEncoder.encode(r.channel().alloc(), p.withDup(false), r.version());
                    }
                    r.channel().writeAndFlush(frame.retainedDuplicate(), r.channel().voidPromise());
                }
            }
            if (frame != null) {
                frame.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            routes.removeIf(r -> r.channel() == ctx.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
