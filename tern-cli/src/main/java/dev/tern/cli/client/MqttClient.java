package dev.tern.cli.client;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.decode.DecodeFailure;
import dev.tern.codec.decode.MqttDecoder;
import dev.tern.codec.decode.MqttFrameDecoder;
import dev.tern.codec.encode.MqttEncoder;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Disconnect;
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
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * A small MQTT 3.1/3.1.1/5 client on Netty and Tern's codec, for {@code tern pub} and {@code tern sub}: connects
 * (over TCP, TLS, WebSocket or WebSocket over TLS) and checks the CONNACK, publishes at QoS 0, 1 and 2 with a bounded window of unacknowledged
 * messages, subscribes, answers inbound QoS 1 and 2 flows, pings when nothing was sent for the keepalive interval,
 * and disconnects.
 *
 * <p>Threads: all protocol state lives on the channel's single event loop; the public methods may be called from
 * any thread and hand their work to that loop. Messages are delivered to the listener on the event loop (QoS 2
 * messages when their PUBREL arrives, as libmosquitto does).
 */
public final class MqttClient implements AutoCloseable {
    private static final int MAX_PACKET_SIZE = 268_435_460;
    /** Unacknowledged QoS 1/2 publishes at most (mosquitto_pub's default of -M), or the broker's Receive Maximum. */
    private static final int DEFAULT_INFLIGHT = 20;

    /** The outcome of one publish: its packet id (0 for QoS 0) and the broker's reason code (0 for 3.1.1). */
    public record PublishResult(int packetId, int reasonCode) {
    }

    private record PendingPublish(Publish publish, CompletableFuture<PublishResult> result) {
    }

    private final ClientSettings settings;
    private final MqttVersion version;
    private final PacketLog log;
    private final EventLoopGroup group;
    private final CompletableFuture<Connack> connack = new CompletableFuture<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private volatile Consumer<Publish> listener = p -> { };
    private volatile Channel channel;
    private volatile String clientId;
    private String where;

    // event-loop state
    private int nextPacketId = 1;
    private final Map<Integer, PendingPublish> unacknowledged = new HashMap<>();
    private final Map<Integer, CompletableFuture<SubAck>> subscribing = new HashMap<>();
    private final ArrayDeque<PendingPublish> waiting = new ArrayDeque<>();
    private final Map<Integer, Publish> inboundQos2 = new HashMap<>();
    private int inflightLimit = DEFAULT_INFLIGHT;
    private boolean pingOutstanding;
    private volatile boolean closing;
    /** True once the WebSocket upgrade has succeeded (MQTT over WebSocket only). */
    private volatile boolean webSocketReady;
    private String lostReason;

    public MqttClient(ClientSettings settings, PacketLog log) {
        this.settings = settings;
        this.version = settings.connect().version();
        this.log = log;
        this.clientId = settings.connect().clientId();
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tern-client", true),
                NioIoHandler.newFactory());
    }

    /** Where received messages go (called on the event loop). */
    public void onMessage(Consumer<Publish> newListener) {
        this.listener = newListener;
    }

    public MqttVersion version() {
        return version;
    }

    /** The client id in use: the one sent, or the one the broker assigned (MQTT 5). */
    public String clientId() {
        return clientId;
    }

    /**
     * Connects and waits for the CONNACK.
     *
     * @return the accepted CONNACK
     * @throws ClientException when the broker cannot be reached (exit code 1) or refuses the connection (exit code =
     *     the CONNACK reason code)
     */
    public Connack connect(Duration timeout) throws ClientException {
        InetAddress address;
        try {
            address = InetAddress.getByName(settings.host());
        } catch (UnknownHostException e) {
            throw ClientException.general("Error: unknown host '" + settings.host() + "'.");
        }
        where = address.getHostAddress() + ":" + settings.port();
        SslContext ssl = settings.tls() == null ? null : settings.tls().newContext();
        URI webSocket = settings.webSocket()
                ? WebSocketClientTransport.target(ssl != null, settings.host(), settings.port(),
                        settings.webSocketPath())
                : null;
        int keepAlive = settings.connect().keepAlive();
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc(), settings.host(), settings.port()));
                        }
                        if (webSocket != null) {
                            WebSocketClientTransport.addTo(ch.pipeline(), webSocket, version, MAX_PACKET_SIZE, log);
                        }
                        MqttFrameDecoder decoder = new MqttFrameDecoder(MqttDecoder.forClient(), MAX_PACKET_SIZE);
                        decoder.setVersion(version);
                        ch.pipeline().addLast("mqtt", decoder);
                        if (keepAlive > 0) {
                            ch.pipeline().addLast("keepalive", new IdleStateHandler(0, keepAlive, 0));
                        }
                        ch.pipeline().addLast("client", new Handler());
                    }
                });
        ChannelFuture f = b.connect(new InetSocketAddress(address, settings.port()));
        f.awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw connectFailure(f.cause());
        }
        channel = f.channel();
        Connack c;
        try {
            c = connack.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            channel.close();
            throw ClientException.general(settings.webSocket() && !webSocketReady
                    ? "Error: no answer to the WebSocket upgrade from " + where + " within " + timeout.toSeconds()
                            + " s: is it a WebSocket (ws/wss) listener?"
                    : "Error: no CONNACK from " + where + " within " + timeout.toSeconds()
                            + " s: is it an MQTT broker?");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ClientException ce ? ce
                    : ClientException.general("Error: " + TlsSettings.rootMessage(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ClientException.general("Error: interrupted");
        }
        if (c.reasonCode() != 0) {
            closing = true;
            channel.close().awaitUninterruptibly();
            String text = "Connection error: " + ConnackText.describe(version, c.reasonCode());
            if (c.reasonString() != null) {
                text += " (" + c.reasonString() + ")";
            }
            throw new ClientException(c.reasonCode(), text);
        }
        return c;
    }

    private ClientException connectFailure(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return ClientException.general("Error: timed out connecting to " + where + ".");
        }
        if (cause instanceof ConnectException) {
            return ClientException.general("Error: connection refused at " + where + ": is the broker running?");
        }
        return ClientException.general("Error: cannot connect to " + where + ": " + TlsSettings.rootMessage(cause));
    }

    /**
     * Publishes {@code p} (its packet id is assigned here). Completes when written (QoS 0), on PUBACK (QoS 1) or on
     * PUBCOMP, or on a refusing PUBREC (QoS 2); fails when the connection is lost first.
     */
    public CompletableFuture<PublishResult> publish(Publish p) {
        CompletableFuture<PublishResult> result = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            waiting.add(new PendingPublish(p, result));
            pump();
        });
        return result;
    }

    /** Subscribes (the packet id of {@code s} is assigned here); completes with the SUBACK. */
    public CompletableFuture<SubAck> subscribe(Subscribe s) {
        CompletableFuture<SubAck> result = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            if (!channel.isActive()) {
                result.completeExceptionally(lost());
                return;
            }
            int id = allocatePacketId();
            subscribing.put(id, result);
            send(new Subscribe(id, s.subscriptionIdentifier(), s.userProperties(), s.subscriptions()));
        });
        return result;
    }

    /** Completes when the connection is closed: null when this client closed it, else why it was lost. */
    public CompletableFuture<String> closed() {
        return closed;
    }

    /** Sends DISCONNECT and closes the connection, waiting up to 5 s for the close. */
    public void disconnect() {
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            return;
        }
        ch.eventLoop().execute(() -> {
            closing = true;
            if (ch.isActive()) {
                send(settings.disconnect()).addListener(ChannelFutureListener.CLOSE);
            }
        });
        ch.closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Closes the connection (without DISCONNECT if still open) and stops the event loop. */
    @Override
    public void close() {
        Channel ch = channel;
        if (ch != null) {
            ch.eventLoop().execute(() -> closing = true);
            ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    // ---- event loop ---------------------------------------------------------------------------------------------

    private ChannelFuture send(MqttPacket p) {
        log.sending(p);
        return channel.writeAndFlush(MqttEncoder.encode(channel.alloc(), p, version));
    }

    private void pump() {
        while (!waiting.isEmpty()) {
            PendingPublish next = waiting.peek();
            Publish p = next.publish();
            if (!channel.isActive()) {
                waiting.poll().result().completeExceptionally(lost());
                continue;
            }
            if (p.qos() > 0 && unacknowledged.size() >= inflightLimit) {
                return;
            }
            waiting.poll();
            if (p.qos() == 0) {
                Publish out = new Publish(false, 0, p.retain(), p.topic(), 0, p.properties(), p.payload());
                send(out).addListener(f -> {
                    if (f.isSuccess()) {
                        next.result().complete(new PublishResult(0, 0));
                    } else {
                        next.result().completeExceptionally(lost());
                    }
                });
            } else {
                int id = allocatePacketId();
                Publish out = new Publish(false, p.qos(), p.retain(), p.topic(), id, p.properties(), p.payload());
                unacknowledged.put(id, new PendingPublish(out, next.result()));
                send(out);
            }
        }
    }

    private int allocatePacketId() {
        while (true) {
            int id = nextPacketId;
            nextPacketId = id == 65535 ? 1 : id + 1;
            if (!unacknowledged.containsKey(id) && !subscribing.containsKey(id)) {
                return id;
            }
        }
    }

    private void acknowledged(int packetId, int reasonCode) {
        PendingPublish p = unacknowledged.remove(packetId);
        if (p != null) {
            p.result().complete(new PublishResult(packetId, reasonCode));
            pump();
        }
    }

    private void deliver(Publish p) {
        try {
            listener.accept(p);
        } catch (RuntimeException e) {
            lostReason = "Error: " + e;
            channel.close();
        }
    }

    private ClientException lost() {
        return ClientException.general(lostReason != null ? lostReason : "Error: the connection was lost.");
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            if (!settings.webSocket()) {
                send(settings.connect());
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DecodeFailure f) {
                lostReason = "Error: malformed packet from the broker: " + f.cause().getMessage();
                ctx.close();
                return;
            }
            MqttPacket p = (MqttPacket) msg;
            log.received(p);
            if (p instanceof Connack c) {
                onConnack(c);
            } else if (p instanceof Publish pub) {
                onPublish(pub);
            } else if (p instanceof PubRel r) {
                Publish pub = inboundQos2.remove(r.packetId());
                send(PubComp.of(r.packetId()));
                if (pub != null) {
                    deliver(pub);
                }
            } else if (p instanceof PubAck a) {
                acknowledged(a.packetId(), a.reasonCode());
            } else if (p instanceof PubRec r) {
                if (r.reasonCode() >= 0x80) {
                    acknowledged(r.packetId(), r.reasonCode());
                } else if (unacknowledged.containsKey(r.packetId())) {
                    send(PubRel.of(r.packetId()));
                } else {
                    send(new PubRel(r.packetId(), 0x92, null, List.of()));
                }
            } else if (p instanceof PubComp c) {
                acknowledged(c.packetId(), c.reasonCode());
            } else if (p instanceof SubAck s) {
                CompletableFuture<SubAck> f = subscribing.remove(s.packetId());
                if (f != null) {
                    log.note(PacketLog.subscribed(s));
                    f.complete(s);
                }
            } else if (p instanceof PingResp) {
                pingOutstanding = false;
            } else if (p instanceof Disconnect d) {
                String text = "Error: the broker disconnected: " + ConnackText.reasonName(d.reasonCode());
                lostReason = d.reasonString() != null ? text + " (" + d.reasonString() + ")." : text + ".";
                ctx.close();
            }
        }

        private void onConnack(Connack c) {
            if (c.reasonCode() == 0) {
                if (c.assignedClientIdentifier() != null) {
                    clientId = c.assignedClientIdentifier();
                    log.clientId(clientId);
                }
                if (c.receiveMaximum() != null) {
                    inflightLimit = Math.min(DEFAULT_INFLIGHT, c.receiveMaximum());
                }
            }
            connack.complete(c);
        }

        private void onPublish(Publish p) {
            switch (p.qos()) {
                case 0 -> deliver(p);
                case 1 -> {
                    send(PubAck.of(p.packetId()));
                    deliver(p);
                }
                default -> {
                    inboundQos2.putIfAbsent(p.packetId(), p);
                    send(PubRec.of(p.packetId()));
                }
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == WebSocketClientTransport.READY) {
                webSocketReady = true;
                send(settings.connect());
                return;
            }
            if (evt instanceof SslHandshakeCompletionEvent h && !h.isSuccess() && lostReason == null) {
                lostReason = "Error: TLS handshake with " + where + " failed: " + TlsSettings.rootMessage(h.cause());
            }
            if (evt instanceof IdleStateEvent e && e.state() == IdleState.WRITER_IDLE && connack.isDone()) {
                if (pingOutstanding) {
                    lostReason = "Error: no PINGRESP from the broker within the keepalive interval.";
                    ctx.close();
                } else {
                    pingOutstanding = true;
                    send(PingReq.INSTANCE);
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (lostReason == null && cause instanceof WebSocketClientTransport.Failure) {
                lostReason = cause.getMessage();
            }
            if (lostReason == null) {
                Throwable c = cause.getCause() instanceof SSLException ? cause.getCause() : cause;
                lostReason = c instanceof SSLException
                        ? "Error: TLS handshake with " + where + " failed: " + TlsSettings.rootMessage(c)
                        : "Error: " + TlsSettings.rootMessage(c);
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            String reason = closing ? null : lostReason != null ? lostReason : "Error: the connection was lost.";
            if (!connack.isDone()) {
                connack.completeExceptionally(ClientException.general(lostReason != null ? lostReason
                        : "Error: " + where + " closed the connection before CONNACK."));
            }
            ClientException e = lost();
            for (PendingPublish p : new ArrayList<>(unacknowledged.values())) {
                p.result().completeExceptionally(e);
            }
            unacknowledged.clear();
            for (PendingPublish p : waiting) {
                p.result().completeExceptionally(e);
            }
            waiting.clear();
            for (CompletableFuture<SubAck> f : subscribing.values()) {
                f.completeExceptionally(e);
            }
            subscribing.clear();
            closed.complete(reason);
            ctx.fireChannelInactive();
        }
    }
}
