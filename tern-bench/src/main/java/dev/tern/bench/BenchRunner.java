package dev.tern.bench;

import dev.tern.codec.decode.MqttDecoder;
import dev.tern.codec.decode.MqttFrameDecoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/** Runs one bench scenario against a broker and measures it. */
public final class BenchRunner implements AutoCloseable {
    private final BenchOptions options;
    private final Consumer<String> out;
    private final BenchStats stats = new BenchStats();
    private final EventLoopGroup group;
    private final Class<? extends Channel> channelClass;
    private final List<BenchClient> publishers = new ArrayList<>();
    private final List<BenchClient> subscribers = new ArrayList<>();
    private final List<BenchClient> idle = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();
    private final DeliveryFrontier frontier;
    /** The TLS context of every connection, or null. */
    private final io.netty.handler.ssl.SslContext ssl;
    /** Connections opened so far, over every role: picks each one's source address. */
    private int opened;

    /** @param out where progress lines go, one call per line */
    public BenchRunner(BenchOptions options, Consumer<String> out) {
        this.options = options;
        this.out = out;
        this.frontier = new DeliveryFrontier(options.scenario(), options.effectivePublishers(),
                options.effectiveSubscribers());
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("tern-bench"), factory);
        this.channelClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        try {
            this.ssl = options.transport().sslContext();
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    public BenchResult run() throws Exception {
        if (options.scenario() == Scenario.CONN) {
            return runConnections();
        }
        int subs = options.effectiveSubscribers();
        int pubs = options.effectivePublishers();
        for (int i = 0; i < subs; i++) {
            subscribers.add(open(BenchClient.Role.SUBSCRIBER, i, options.clientIdPrefix() + "-sub-" + i));
        }
        // a minute, and a second more per 5,000 filters (a footprint run subscribes to a million)
        awaitReady(subscribers, "subscribers", 60 + (long) subs * options.filtersPerSubscriber() / 5000);
        for (int i = 0; i < pubs; i++) {
            publishers.add(open(BenchClient.Role.PUBLISHER, i, options.clientIdPrefix() + "-pub-" + i));
        }
        awaitReady(publishers, "publishers", 60);
        log("connected %d publishers, %d subscribers%s to %s:%d (%s, qos %d, %d-byte payloads)", pubs, subs,
                options.filtersPerSubscriber() == 1 ? ""
                        : String.format(Locale.ROOT, " with %,d filters each", options.filtersPerSubscriber()),
                options.host(), options.port(), options.version().displayName(), options.qos(),
                options.payloadSize());

        double perPublisher = pubs == 0 ? 0 : (double) options.rate() / pubs;
        // at a fixed rate, publisher i starts i/pubs of an interval late: together they send evenly spaced messages
        // instead of a burst of one per publisher every interval (which measures the burst's queueing, not latency)
        long start = System.nanoTime();
        for (int i = 0; i < publishers.size(); i++) {
            long phaseNanos = perPublisher == 0 ? 0 : (long) (1e9 / perPublisher * i / publishers.size());
            publishers.get(i).startPublishing(perPublisher, start + phaseNanos);
        }
        if (!options.warmup().isZero()) {
            log("warming up for %ds", options.warmup().toSeconds());
            stats.setMeasuring(false);
            Thread.sleep(options.warmup().toMillis());
            stats.setMeasuring(true);
            stats.resetLatency();
        }
        long startNanos = System.nanoTime();
        long basePublished = stats.published.sum();
        long baseReceived = stats.received.sum();
        long endNanos = startNanos + options.duration().toNanos();
        long lastPublished = basePublished;
        long lastReceived = baseReceived;
        while (System.nanoTime() < endNanos) {
            Thread.sleep(Math.min(1000, Math.max(1, (endNanos - System.nanoTime()) / 1_000_000)));
            long published = stats.published.sum();
            long received = stats.received.sum();
            Histogram h = stats.interval();
            log("%5.1fs  pub %,10d/s  recv %,10d/s  p99 %,8.0f us",
                    (System.nanoTime() - startNanos) / 1e9, published - lastPublished, received - lastReceived,
                    h.getTotalCount() == 0 ? 0.0 : h.getValueAtPercentile(99) / 1000.0);
            lastPublished = published;
            lastReceived = received;
            if (options.count() > 0 && allPublishersDone()) {
                break;
            }
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long published = stats.published.sum() - basePublished;
        long received = stats.received.sum() - baseReceived;
        for (BenchClient p : publishers) {
            p.stopPublishing();
        }
        drain();
        Histogram total = stats.total();
        long[] integrity = integrity();
        BenchResult result = new BenchResult(options.scenario(), options.qos(), pubs, subs, seconds, published,
                received, published / seconds, received / seconds, total.getTotalCount(),
                micros(total, 50), micros(total, 99), micros(total, 99.9), total.getMaxValue() / 1000.0,
                integrity[0], integrity[1], integrity[2], stats.connected.sum(), stats.errors.sum());
        return result;
    }

    private static double micros(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }

    private boolean allPublishersDone() {
        for (BenchClient p : publishers) {
            if (p.sent() < options.count()) {
                return false;
            }
        }
        return true;
    }

    /** Waits until deliveries stop arriving (and QoS 1/2 publishers are fully acknowledged), at most 10 s. */
    private void drain() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long last = -1;
        int stableRounds = 0;
        while (System.nanoTime() < deadline && stableRounds < 3) {
            Thread.sleep(200);
            long now = stats.received.sum();
            boolean acked = options.qos() == 0 || stats.acknowledged.sum() >= stats.published.sum();
            stableRounds = now == last && acked ? stableRounds + 1 : 0;
            last = now;
        }
    }

    /** [lost, duplicates, reordered] over what each subscriber should have received. */
    private long[] integrity() throws Exception {
        long[] result = new long[3];
        CompletableFuture<Void> all = CompletableFuture.allOf();
        // trackers are owned by the subscribers' event loops; read them there
        List<CompletableFuture<Void>> reads = new ArrayList<>();
        for (BenchClient s : subscribers) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            channelOf(s).eventLoop().execute(() -> f.complete(null));
            reads.add(f);
        }
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        all.complete(null);
        for (BenchClient s : subscribers) {
            for (SequenceTracker t : s.trackers.values()) {
                result[1] += t.duplicates();
                result[2] += t.reordered();
            }
        }
        if (options.qos() == 0) {
            return result;
        }
        switch (options.scenario()) {
            case FANIN -> {
                for (BenchClient s : subscribers) {
                    for (BenchClient p : publishers) {
                        result[0] += missing(s, p);
                    }
                }
            }
            case FANOUT -> {
                for (BenchClient s : subscribers) {
                    result[0] += missing(s, publishers.get(0));
                }
            }
            case PAIRS -> {
                for (int i = 0; i < Math.min(subscribers.size(), publishers.size()); i++) {
                    result[0] += missing(subscribers.get(i), publishers.get(i));
                }
            }
            case SHARED -> {
                for (BenchClient p : publishers) {
                    BitSet union = new BitSet();
                    for (BenchClient s : subscribers) {
                        SequenceTracker t = s.trackers.get(p.index());
                        if (t != null) {
                            union.or(t.seen());
                        }
                    }
                    long upTo = p.ackedContiguous();
                    result[0] += upTo <= 0 ? 0 : upTo - union.get(1, (int) upTo + 1).cardinality();
                }
            }
            default -> { }
        }
        return result;
    }

    private static long missing(BenchClient subscriber, BenchClient publisher) {
        SequenceTracker t = subscriber.trackers.get(publisher.index());
        long upTo = publisher.ackedContiguous();
        return t == null ? upTo : t.missingUpTo(upTo);
    }

    private final java.util.Map<BenchClient, Channel> channelByClient = new java.util.IdentityHashMap<>();

    private Channel channelOf(BenchClient c) {
        return channelByClient.get(c);
    }

    private BenchClient open(BenchClient.Role role, int index, String clientId) {
        BenchClient client = new BenchClient(role, index, options, stats, clientId, frontier);
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        options.transport().addTo(ch.pipeline(), ssl, options.host(), options.port(),
                                options.version());
                        MqttFrameDecoder decoder = new MqttFrameDecoder(MqttDecoder.forClient(), 268_435_460);
                        decoder.setVersion(options.version());
                        ch.pipeline().addLast(decoder, client);
                    }
                });
        InetAddress source = options.sourceAddressFor(opened++);
        ChannelFuture f = source == null
                ? b.connect(options.host(), options.port())
                : b.connect(new InetSocketAddress(options.host(), options.port()), new InetSocketAddress(source, 0));
        Channel ch = f.channel();
        channels.add(ch);
        channelByClient.put(client, ch);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                stats.connectFailures.increment();
                client.ready.completeExceptionally(new IllegalStateException(
                        connectFailure(source, done.cause()), done.cause()));
            }
        });
        return client;
    }

    /** Refused (nobody listens) or another failure, such as no free ephemeral port left at a source address. */
    private String connectFailure(InetAddress source, Throwable cause) {
        String target = options.host() + ":" + options.port();
        if (cause instanceof java.net.ConnectException && String.valueOf(cause.getMessage()).contains("refused")) {
            return "connection refused at " + target + ": is the broker running?";
        }
        return "cannot connect to " + target + (source == null ? "" : " from " + source.getHostAddress()) + ": "
                + cause.getMessage();
    }

    private static void awaitReady(List<BenchClient> clients, String what, long seconds) throws Exception {
        try {
            CompletableFuture.allOf(clients.stream().map(c -> c.ready).toArray(CompletableFuture[]::new))
                    .get(seconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("setting up " + what + " failed: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    private BenchResult runConnections() throws Exception {
        int n = options.connections();
        long start = System.nanoTime();
        long interval = options.connectRate() > 0 ? 1_000_000_000L / options.connectRate() : 0;
        long lastLog = start;
        for (int i = 0; i < n; i++) {
            if (interval > 0) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            idle.add(open(BenchClient.Role.IDLE, i, options.clientIdPrefix() + "-conn-" + i));
            if (System.nanoTime() - lastLog > 1_000_000_000L) {
                lastLog = System.nanoTime();
                log("opened %,d, connected %,d, failed %,d", i + 1, stats.connected.sum(),
                        stats.connectFailures.sum());
            }
        }
        try {
            awaitReady(idle, "connections", 60);
        } catch (IllegalStateException e) {
            log("%s", e.getMessage());
        }
        log("connected %,d of %,d; holding for %ds", stats.connected.sum(), n, options.duration().toSeconds());
        long endNanos = System.nanoTime() + options.duration().toNanos();
        while (System.nanoTime() < endNanos) {
            Thread.sleep(Math.min(1000, Math.max(1, (endNanos - System.nanoTime()) / 1_000_000)));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new BenchResult(Scenario.CONN, options.qos(), 0, 0, seconds, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                stats.connected.sum(), stats.errors.sum() + stats.connectFailures.sum());
    }

    private void log(String format, Object... args) {
        if (!options.quiet()) {
            out.accept(String.format(Locale.ROOT, format, args));
        }
    }

    @Override
    public void close() {
        for (BenchClient c : publishers) {
            c.disconnect();
        }
        for (BenchClient c : subscribers) {
            c.disconnect();
        }
        for (BenchClient c : idle) {
            c.disconnect();
        }
        for (Channel ch : channels) {
            ch.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
