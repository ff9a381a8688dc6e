package dev.tern.transport;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.decode.DecodeFailure;
import dev.tern.codec.decode.MqttFrameDecoder;
import dev.tern.codec.encode.MqttEncoder;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.core.Broker;
import dev.tern.core.ClientConnection;
import dev.tern.core.Connection;
import dev.tern.core.LogLimiter;
import dev.tern.transport.proxy.ClientAddress;
import io.netty.channel.Channel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the pipeline: hands decoded packets to the core's {@link ClientConnection} and implements the
 * core's {@link Connection} port by encoding packets with the connection's protocol version.
 */
final class MqttChannelHandler extends ChannelInboundHandlerAdapter implements Connection {
    private static final Logger LOG = LoggerFactory.getLogger(MqttChannelHandler.class);
    /** Thousands of silent sockets must not mean thousands of log lines. */
    private static final LogLimiter CONNECT_TIMEOUT_LOG = new LogLimiter(10);

    private final Broker broker;
    private final ListenerSettings settings;
    private final String listenerName;
    private final MqttFrameDecoder decoder;
    /** Reads the client certificate's identity (TLS with use-identity-as-username); null elsewhere. */
    private final Supplier<String> identitySource;
    private volatile String certificateIdentity;
    private Channel channel;
    private ClientConnection client;
    private ScheduledFuture<?> connectTimeout;
    private volatile MqttVersion version = MqttVersion.V3_1_1;

    /*
     * Bytes other threads have encoded for this connection that the event loop has not written yet. The queue is
     * made on the first such write (an idle connection never has one), and the counters are fields updated through
     * field updaters rather than atomic objects: every connection has them (docs/performance.md, idle connections).
     */
    private static final int PENDING_HIGH_WATER = 64 * 1024;
    private volatile Queue<ByteBuf> pending;
    private volatile long pendingBytes;
    /** 1 while a drain task is queued on the event loop. */
    private volatile int drainScheduled;
    private final Runnable drainTask = this::drainPending;
    private final Runnable flushTask = this::flushNow;
    private volatile boolean closeAfterDrain;
    private boolean flushScheduled;
    private volatile int readPauses;
    /** While the socket moves to its session's loop ({@link #moveTo}): what was decoded meanwhile; null otherwise. */
    private List<Object> held;

    @SuppressWarnings("rawtypes") // a field updater takes the field's erased class
    private static final AtomicReferenceFieldUpdater<MqttChannelHandler, Queue> PENDING =
            AtomicReferenceFieldUpdater.newUpdater(MqttChannelHandler.class, Queue.class, "pending");
    private static final AtomicLongFieldUpdater<MqttChannelHandler> PENDING_BYTES =
            AtomicLongFieldUpdater.newUpdater(MqttChannelHandler.class, "pendingBytes");
    private static final AtomicIntegerFieldUpdater<MqttChannelHandler> DRAIN_SCHEDULED =
            AtomicIntegerFieldUpdater.newUpdater(MqttChannelHandler.class, "drainScheduled");
    private static final AtomicIntegerFieldUpdater<MqttChannelHandler> READ_PAUSES =
            AtomicIntegerFieldUpdater.newUpdater(MqttChannelHandler.class, "readPauses");

    MqttChannelHandler(Broker broker, ListenerSettings settings, String listenerName, MqttFrameDecoder decoder,
                       Supplier<String> identitySource) {
        this.broker = broker;
        this.settings = settings;
        this.listenerName = listenerName;
        this.decoder = decoder;
        this.identitySource = identitySource;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        client = broker.accept(this);
        long ms = settings.connectTimeout().toMillis();
        connectTimeout = ctx.executor().schedule(new CloseWithoutConnect(ctx), ms, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    /** Closes a socket that did not send CONNECT in time. */
    private record CloseWithoutConnect(ChannelHandlerContext ctx) implements Runnable {
        @Override
        public void run() {
            if (!ctx.channel().isActive()) {
                return; // already closed, e.g. by the TLS handshake timeout, which said so itself
            }
            if (CONNECT_TIMEOUT_LOG.allow()) {
                LOG.info("closing {}: no CONNECT within the connect timeout{}", ClientAddress.of(ctx.channel()),
                        CONNECT_TIMEOUT_LOG.suppressedNote());
            }
            ctx.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (held != null) {
            held.add(msg); // decoded after CONNECT in the read that is moving the socket: handed over after it
            return;
        }
        dispatch(msg);
    }

    private void dispatch(Object msg) {
        if (msg instanceof MqttPacket packet) {
            if (packet instanceof Connect) {
                if (connectTimeout != null) {
                    connectTimeout.cancel(false);
                    connectTimeout = null;
                }
                if (identitySource != null && certificateIdentity == null) {
                    // CONNECT was decrypted, so the handshake is done and the peer certificate verified
                    certificateIdentity = identitySource.get();
                }
            }
            client.onPacket(packet);
        } else if (msg instanceof DecodeFailure failure) {
            if (connectTimeout != null) {
                connectTimeout.cancel(false);
                connectTimeout = null;
            }
            client.onDecodeFailure(failure.cause().reasonCode(), failure.cause().getMessage(), failure.version(),
                    failure.inConnect());
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePending();
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
        }
        if (client != null) {
            client.onClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && client != null) {
            client.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("I/O error on {}: {}", ClientAddress.of(ctx.channel()), cause.getMessage());
        } else {
            LOG.warn("unexpected error on {}, closing it", ClientAddress.of(ctx.channel()), cause);
        }
        ctx.close();
    }

    private void flushNow() {
        flushScheduled = false;
        channel.flush();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
    }

    private void releasePending() {
        Queue<ByteBuf> queue = pending;
        if (queue == null) {
            return;
        }
        ByteBuf buf;
        while ((buf = queue.poll()) != null) {
            buf.release();
        }
    }

    /** The queue other threads hand encoded bytes over in, made by whichever thread needs it first. */
    @SuppressWarnings("unchecked")
    private Queue<ByteBuf> pendingQueue() {
        Queue<ByteBuf> queue = pending;
        if (queue == null) {
            PENDING.compareAndSet(this, null, new ConcurrentLinkedQueue<ByteBuf>());
            queue = pending;
        }
        return queue;
    }

    // ---- Connection port (any thread) ----

    /**
     * Deregisters the channel from the loop that accepted it and registers it with {@code loop} (same group, so the
     * same kind of loop), which is the session shard's: from then on its reads, the core's handling and its writes
     * are on one thread. Runs on the current loop during the read that decoded CONNECT; Netty deregisters after
     * that read. Nothing was written yet (CONNACK is {@code then}'s), and no other thread knows the connection.
     */
    @Override
    public void moveTo(EventExecutor loop, Runnable then) {
        EventLoop current = channel.eventLoop();
        if (!(loop instanceof EventLoop target) || target == current || target.parent() != current.parent()
                || !current.inEventLoop() || held != null) {
            Connection.super.moveTo(loop, then);
            return;
        }
        held = new ArrayList<>(2);
        channel.deregister().addListener(deregistered -> {
            if (!deregistered.isSuccess()) {
                LOG.debug("{} stays on its loop: {}", ClientAddress.of(channel), deregistered.cause().toString());
                target.execute(then);
                releaseHeld(); // through the shard's queue, after then
                return;
            }
            target.register(channel).addListener(registered -> {
                if (registered.isSuccess()) {
                    then.run();
                    releaseHeld();
                } else {
                    LOG.debug("closing {}: could not join its session's loop: {}", ClientAddress.of(channel),
                            registered.cause().toString());
                    dropHeld();
                    channel.unsafe().closeForcibly();
                    releasePending();
                    client.onClosed();
                }
            });
        });
    }

    private void releaseHeld() {
        List<Object> msgs = held;
        held = null;
        for (Object msg : msgs) {
            dispatch(msg);
        }
    }

    private void dropHeld() {
        List<Object> msgs = held;
        held = null;
        msgs.forEach(ReferenceCountUtil::release);
    }

    /**
     * Encodes on the calling thread (so the socket's pending bytes are known exactly and {@link #isWritable}
     * tells the truth) and hands the bytes to the event loop in batches: one task and one flush for everything
     * a shard sent to this connection in one go, instead of one task per packet.
     */
    @Override
    public void send(MqttPacket packet) {
        write(MqttEncoder.encode(channel.alloc(), packet, version));
    }

    @Override
    public byte[] encode(MqttPacket packet) {
        byte[] bytes = new byte[MqttEncoder.encodedSize(packet, version)];
        MqttEncoder.encode(packet, version, Unpooled.wrappedBuffer(bytes).clear());
        return bytes;
    }

    /** A frame shared by many connections: wrapped, not copied (the bytes are never mutated). */
    @Override
    public void sendFrame(byte[] frame, int qos) {
        write(Unpooled.wrappedBuffer(frame));
    }

    private void write(ByteBuf buf) {
        if (channel.eventLoop().inEventLoop()) {
            channel.write(buf, channel.voidPromise());
            scheduleFlush();
        } else {
            PENDING_BYTES.addAndGet(this, buf.readableBytes());
            pendingQueue().offer(buf);
            if (DRAIN_SCHEDULED.compareAndSet(this, 0, 1)) {
                channel.eventLoop().execute(drainTask);
            }
        }
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            channel.eventLoop().execute(flushTask);
        }
    }

    /** Runs on the event loop: writes what other threads queued, then flushes once. */
    private void drainPending() {
        DRAIN_SCHEDULED.set(this, 0);
        Queue<ByteBuf> queue = pending;
        ByteBuf buf;
        boolean wrote = false;
        while (queue != null && (buf = queue.poll()) != null) {
            PENDING_BYTES.addAndGet(this, -buf.readableBytes());
            if (channel.isActive()) {
                channel.write(buf, channel.voidPromise());
                wrote = true;
            } else {
                buf.release();
            }
        }
        if (wrote) {
            channel.flush();
        }
        if (closeAfterDrain && (queue == null || queue.isEmpty())) {
            channel.close();
        }
    }

    @Override
    public void sendAndClose(MqttPacket packet) {
        if (channel.eventLoop().inEventLoop()) {
            drainPending();
            channel.writeAndFlush(MqttEncoder.encode(channel.alloc(), packet, version))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            send(packet);
            closeAfterDrain = true;
            channel.eventLoop().execute(drainTask);
        }
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable() && pendingBytes < PENDING_HIGH_WATER;
    }

    /**
     * Takes effect at once (setAutoRead is thread-safe); a task on the event loop then re-applies the counted
     * state, so that racing pause/resume calls from different threads always settle on the right one.
     */
    @Override
    public void pauseReading() {
        if (READ_PAUSES.getAndIncrement(this) == 0) {
            channel.config().setAutoRead(false);
            channel.eventLoop().execute(this::applyAutoRead);
        }
    }

    @Override
    public void resumeReading() {
        if (READ_PAUSES.decrementAndGet(this) == 0) {
            channel.config().setAutoRead(true);
            channel.eventLoop().execute(this::applyAutoRead);
        }
    }

    private void applyAutoRead() {
        channel.config().setAutoRead(readPauses <= 0);
    }

    @Override
    public void setVersion(MqttVersion newVersion) {
        this.version = newVersion;
        if (channel.eventLoop().inEventLoop()) {
            decoder.setVersion(newVersion);
        }
    }

    @Override
    public int encodedSize(MqttPacket packet) {
        return MqttEncoder.encodedSize(packet, version);
    }

    /** The client's address: the one its PROXY protocol header named, on a listener with proxy-protocol. */
    @Override
    public InetSocketAddress remoteAddress() {
        return ClientAddress.of(channel);
    }

    @Override
    public String listener() {
        return listenerName;
    }

    @Override
    public String certificateIdentity() {
        return certificateIdentity;
    }
}
