package dev.tern.bench;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.ReasonCode;
import dev.tern.codec.decode.DecodeFailure;
import dev.tern.codec.encode.MqttEncoder;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.packet.PingReq;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.PubComp;
import dev.tern.codec.packet.PubRec;
import dev.tern.codec.packet.PubRel;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.SubAck;
import dev.tern.codec.packet.Subscribe;
import dev.tern.codec.packet.Subscription;
import dev.tern.codec.wire.VarInt;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One bench connection: a publisher (window-paced or rate-paced PUBLISH with a timestamp and sequence in the
 * payload), a subscriber (records latency and sequences, acknowledges), or an idle connection. Everything runs on
 * the channel's event loop.
 */
final class BenchClient extends ChannelInboundHandlerAdapter {
    enum Role { PUBLISHER, SUBSCRIBER, IDLE }

    private final Role role;
    private final int index;
    private final BenchOptions options;
    private final BenchStats stats;
    private final String clientId;
    private final DeliveryFrontier frontier;
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    private Channel channel;

    // publisher
    private byte[] topicBytes;
    private boolean running;
    private long sequence;
    private int inflight;
    private int nextPacketId = 1;
    private final boolean[] inUse;
    private long ackedContiguous;
    private final java.util.BitSet ackedSeqs;
    private final Map<Integer, Long> seqOfPacket;
    private long rateStartNanos;
    private double perNanosecond;
    /** A timer will pump when the next message is due (rate-paced publishers), or the QoS 0 window may be open. */
    private boolean timerArmed;
    /** What {@link #frontier} last said this publisher's subscribers have reached (QoS 0 window). */
    private long frontierReached;
    /** How long a publisher whose QoS 0 window is shut waits before it looks again. */
    private static final long WINDOW_RECHECK_NANOS = 100_000;
    /** A task will go on with a pump that used up its budget. */
    private boolean continueQueued;
    private final Runnable timerTask = () -> {
        timerArmed = false;
        pump();
    };
    private final Runnable continueTask = () -> {
        continueQueued = false;
        pump();
    };

    // subscriber
    final Map<Integer, SequenceTracker> trackers = new HashMap<>();
    /** SUBACKs still to come before the subscriber is ready. */
    private int subAcksDue;
    /** Filters per SUBSCRIBE packet when a subscriber has many. */
    static final int FILTERS_PER_SUBSCRIBE = 100;

    BenchClient(Role role, int index, BenchOptions options, BenchStats stats, String clientId,
                DeliveryFrontier frontier) {
        this.role = role;
        this.frontier = frontier;
        this.index = index;
        this.options = options;
        this.stats = stats;
        this.clientId = clientId;
        boolean tracksAcks = role == Role.PUBLISHER && options.qos() > 0;
        this.inUse = tracksAcks ? new boolean[65536] : null;
        this.ackedSeqs = tracksAcks ? new java.util.BitSet() : null;
        this.seqOfPacket = tracksAcks ? new HashMap<>() : null;
    }

    Role role() {
        return role;
    }

    int index() {
        return index;
    }

    /** Publishes sent and acknowledged without a gap, 1..n. */
    long ackedContiguous() {
        return ackedContiguous;
    }

    long sent() {
        return sequence;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        if (!options.transport().webSocket()) {
            sendConnect(ctx);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (BenchTransport.isReady(event)) {
            sendConnect(ctx); // the WebSocket upgrade is done
        }
        ctx.fireUserEventTriggered(event);
    }

    private void sendConnect(ChannelHandlerContext ctx) {
        int keepAlive = role == Role.IDLE ? 300 : 60;
        Connect connect = Connect.of(options.version(), clientId, true, keepAlive);
        if (role == Role.SUBSCRIBER && options.persistentSubscribers()) {
            connect = new Connect(connect.version(), clientId, false, keepAlive, null, null, null,
                    options.version() == dev.tern.codec.MqttVersion.V5 ? 3600 : 0, 65535, 0, 0, false, true, null,
                    null, java.util.List.of());
        }
        ctx.writeAndFlush(encode(ctx, connect));
    }

    private ByteBuf encode(ChannelHandlerContext ctx, MqttPacket p) {
        return MqttEncoder.encode(ctx.alloc(), p, options.version());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        running = false;
        if (!ready.isDone()) {
            ready.completeExceptionally(new IllegalStateException(clientId + ": connection closed during setup"));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        stats.errors.increment();
        if (!ready.isDone()) {
            ready.completeExceptionally(cause);
        }
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Publish p) {
            onPublish(ctx, p);
        } else if (msg instanceof PubAck a) {
            acked(a.packetId());
        } else if (msg instanceof PubRec r) {
            ctx.write(encode(ctx, PubRel.of(r.packetId())));
        } else if (msg instanceof PubComp c) {
            acked(c.packetId());
        } else if (msg instanceof PubRel r) {
            ctx.write(encode(ctx, PubComp.of(r.packetId())));
        } else if (msg instanceof Connack c) {
            onConnack(ctx, c);
        } else if (msg instanceof SubAck s) {
            if (s.reasonCodes().stream().anyMatch(ReasonCode::isError)) {
                ready.completeExceptionally(new IllegalStateException(clientId + ": subscription refused "
                        + s.reasonCodes()));
            } else if (--subAcksDue == 0) {
                ready.complete(null);
            }
        } else if (msg instanceof Disconnect d) {
            stats.errors.increment();
            ready.completeExceptionally(new IllegalStateException(clientId + ": server sent DISCONNECT "
                    + ReasonCode.describe(d.reasonCode())));
        } else if (msg instanceof DecodeFailure f) {
            stats.errors.increment();
            ready.completeExceptionally(f.cause());
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        if (running) {
            pump();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && running) {
            pump();
        }
    }

    private void onConnack(ChannelHandlerContext ctx, Connack c) {
        if (c.reasonCode() != 0) {
            ready.completeExceptionally(new IllegalStateException(clientId + ": CONNACK "
                    + ReasonCode.describe(c.reasonCode())));
            ctx.close();
            return;
        }
        stats.connected.increment();
        if (role == Role.SUBSCRIBER) {
            List<String> filters = options.filtersFor(index);
            subAcksDue = (filters.size() + FILTERS_PER_SUBSCRIBE - 1) / FILTERS_PER_SUBSCRIBE;
            for (int from = 0, packetId = 1; from < filters.size(); from += FILTERS_PER_SUBSCRIBE, packetId++) {
                int to = Math.min(filters.size(), from + FILTERS_PER_SUBSCRIBE);
                List<Subscription> batch = filters.subList(from, to).stream()
                        .map(f -> Subscription.of(f, options.qos())).toList();
                ctx.write(encode(ctx, new Subscribe(packetId, null, List.of(), batch)));
            }
            ctx.flush();
        } else {
            if (role == Role.PUBLISHER) {
                topicBytes = options.topicFor(index).getBytes(StandardCharsets.UTF_8);
            }
            ready.complete(null);
        }
    }

    /** Starts publishing; {@code perPublisherRate} messages per second, 0 = window-paced. */
    /**
     * Starts publishing; {@code perPublisherRate} messages per second, 0 = window-paced. At a fixed rate the first
     * message goes at {@code startNanos} ({@link System#nanoTime()}), so that publishers can be spread over the
     * interval.
     */
    void startPublishing(double perPublisherRate, long startNanos) {
        channel.eventLoop().execute(() -> {
            running = true;
            rateStartNanos = perPublisherRate > 0 ? startNanos : System.nanoTime();
            perNanosecond = perPublisherRate / 1e9;
            pump();
        });
    }

    void stopPublishing() {
        channel.eventLoop().execute(() -> running = false);
    }

    void sendPing() {
        channel.eventLoop().execute(() -> channel.writeAndFlush(MqttEncoder.encode(channel.alloc(),
                PingReq.INSTANCE, options.version())));
    }

    void disconnect() {
        if (channel.isActive()) {
            channel.writeAndFlush(MqttEncoder.encode(channel.alloc(), Disconnect.NORMAL, options.version()))
                    .addListener(f -> channel.close());
        }
    }

    private void pump() {
        if (!running) {
            return;
        }
        int budget = 512;
        boolean wrote = false;
        long limit = options.count();
        while (budget-- > 0 && channel.isWritable()) {
            if (limit > 0 && sequence >= limit) {
                running = false;
                break;
            }
            if (options.qos() > 0 && inflight >= options.inflight()) {
                break;
            }
            if (options.qos() == 0 && options.qos0Window() > 0 && !qos0WindowOpen()) {
                scheduleTimer(WINDOW_RECHECK_NANOS);
                break;
            }
            if (perNanosecond > 0 && System.nanoTime() < dueNanos(sequence + 1)) {
                scheduleRatePump();
                break;
            }
            writePublish();
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
        if (running && budget < 0 && !continueQueued) {
            continueQueued = true;
            channel.eventLoop().execute(continueTask);
        }
    }

    /**
     * Wakes up exactly when the next message is due, so a rate-paced run costs one timer per message, not a poll
     * every few microseconds per publisher. At most one timer is armed per publisher: pumps that run for other reasons
     * (an acknowledgement read) leave it be. When they did not, every PUBACK started one more timer chain, and the
     * chains piled up for the whole run (hundreds of timers per message, most of the generator's own latency floor).
     */
    private void scheduleRatePump() {
        scheduleTimer(Math.max(0, dueNanos(sequence + 1) - System.nanoTime()));
    }

    private void scheduleTimer(long delayNanos) {
        if (!timerArmed) {
            timerArmed = true;
            channel.eventLoop().schedule(timerTask, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Fewer than the window's messages are ahead of the subscribers; asks them again only when it looks shut. */
    private boolean qos0WindowOpen() {
        if (sequence - frontierReached < options.qos0Window()) {
            return true;
        }
        frontierReached = frontier.reached(index);
        return sequence - frontierReached < options.qos0Window();
    }

    /**
     * When message {@code n} (1-based) may go: {@code (n - 1) / rate} after the start, rounded up to the next
     * nanosecond. The check and the timer both use it, so a timer never fires before the check agrees (when they
     * computed it apart, a floor in one and a division in the other, it could, and re-armed itself at once).
     */
    private long dueNanos(long n) {
        return rateStartNanos + (long) Math.ceil((n - 1) / perNanosecond);
    }

    private void writePublish() {
        long seq = ++sequence;
        if (options.topicPerMessage()) {
            topicBytes = options.topicFor(index, seq).getBytes(StandardCharsets.UTF_8);
        }
        int qos = options.qos();
        int packetId = 0;
        if (qos > 0) {
            packetId = allocatePacketId();
            seqOfPacket.put(packetId, seq);
            inflight++;
        }
        boolean v5 = options.version() == MqttVersion.V5;
        int remaining = 2 + topicBytes.length + (qos > 0 ? 2 : 0) + (v5 ? 1 : 0) + options.payloadSize();
        ByteBuf buf = channel.alloc().ioBuffer(1 + VarInt.size(remaining) + remaining);
        buf.writeByte(0x30 | (qos << 1) | (options.retain() ? 1 : 0));
        VarInt.write(buf, remaining);
        buf.writeShort(topicBytes.length);
        buf.writeBytes(topicBytes);
        if (qos > 0) {
            buf.writeShort(packetId);
        }
        if (v5) {
            buf.writeByte(0);
        }
        buf.writeLong(System.nanoTime());
        buf.writeInt(index);
        buf.writeLong(seq);
        buf.writeZero(options.payloadSize() - BenchOptions.HEADER_BYTES);
        channel.write(buf, channel.voidPromise());
        stats.published.increment();
    }

    private int allocatePacketId() {
        while (true) {
            int id = nextPacketId;
            nextPacketId = id == 65535 ? 1 : id + 1;
            if (!inUse[id]) {
                inUse[id] = true;
                return id;
            }
        }
    }

    private void acked(int packetId) {
        if (inUse == null || !inUse[packetId]) {
            return;
        }
        inUse[packetId] = false;
        inflight--;
        Long seq = seqOfPacket.remove(packetId);
        if (seq != null) {
            ackedSeqs.set(seq.intValue());
            while (ackedSeqs.get((int) ackedContiguous + 1)) {
                ackedContiguous++;
            }
        }
        stats.acknowledged.increment();
    }

    private void onPublish(ChannelHandlerContext ctx, Publish p) {
        byte[] payload = p.payload();
        stats.received.increment();
        if (payload.length >= BenchOptions.HEADER_BYTES) {
            long sentAt = readLong(payload, 0);
            int publisher = readInt(payload, 8);
            long seq = readLong(payload, 12);
            stats.recordLatency(System.nanoTime() - sentAt);
            trackers.computeIfAbsent(publisher, k -> new SequenceTracker()).record(seq);
            frontier.received(publisher, index, seq);
        }
        if (p.qos() == 1) {
            ctx.write(encode(ctx, PubAck.of(p.packetId())));
        } else if (p.qos() == 2) {
            ctx.write(encode(ctx, PubRec.of(p.packetId())));
        }
    }

    private static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    private static int readInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }
}
