package dev.tern.observability;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener: {@code /metrics} (Prometheus text), the admin API under {@code /api/v1}, its OpenAPI
 * document at {@code /api/v1/openapi.json} and the web dashboard's files under {@code /dashboard/}. Runs on one
 * event loop of its own, never on a shard: every answer that needs the shards is composed from their futures,
 * nothing here blocks.
 */
public final class AdminHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHttpServer.class);
    private static final int MAX_BODY = 1024 * 1024;
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpSettings settings;
    private final AdminApi api;
    private final BrokerMetrics metrics;
    private final HttpAuth auth;
    private final byte[] openApi;
    private final DashboardFiles dashboard;
    private EventLoopGroup group;
    private Channel server;

    AdminHttpServer(HttpSettings settings, AdminApi api, BrokerMetrics metrics, HttpAuth auth) {
        this.settings = settings;
        this.api = api;
        this.metrics = metrics;
        this.auth = auth;
        this.openApi = resource("openapi.json");
        this.dashboard = new DashboardFiles();
    }

    private static byte[] resource(String name) {
        try (InputStream in = AdminHttpServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Binds; returns the bound address. */
    InetSocketAddress start() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tern-http", true),
                NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        HttpTls.addTo(ch, settings.tls());
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(MAX_BODY), new Handler());
                    }
                });
        try {
            server = b.bind(settings.host(), settings.port()).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        return (InetSocketAddress) server.localAddress();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    /** What a request needs after authentication, copied out of it (Netty releases the request after the read). */
    private record Incoming(String method, String path, String rawQuery, String body, boolean keepAlive,
                            boolean triedCredentials) {
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (!req.decoderResult().isSuccess()) {
                send(ctx, keepAlive, error(400, "bad HTTP request"));
                return;
            }
            String uri = req.uri();
            int q = uri.indexOf('?');
            String path = q < 0 ? uri : uri.substring(0, q);
            String rawQuery = q < 0 ? null : uri.substring(q + 1);
            String method = req.method().name();

            if (path.equals(AdminApi.PREFIX + "/openapi.json")) {
                send(ctx, keepAlive, reply(200, "application/json", openApi));
                return;
            }
            if (DashboardFiles.handles(path)) {
                // static files only, no data: served without credentials (the API calls they make need them)
                send(ctx, keepAlive, dashboard.respond(method, path, req.headers()));
                return;
            }
            boolean tried = req.headers().contains(HttpHeaderNames.AUTHORIZATION);
            Incoming in = new Incoming(method, path, rawQuery, req.content().toString(StandardCharsets.UTF_8),
                    keepAlive, tried);
            CompletableFuture<Optional<String>> who =
                    auth.authenticate(req.headers().get(HttpHeaderNames.AUTHORIZATION));
            if (who.isDone() && !who.isCompletedExceptionally()) {
                authenticated(ctx, in, who.join());
            } else { // a password hash checked on the auth thread (or refused: too many waiting)
                who.whenCompleteAsync((w, e) -> {
                    if (e == null) {
                        authenticated(ctx, in, w);
                    } else {
                        FullHttpResponse r = error(429, "too many logins are being checked; try again in a moment");
                        r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
                        send(ctx, keepAlive, r);
                    }
                }, ctx.executor());
            }
        }

        private void authenticated(ChannelHandlerContext ctx, Incoming in, Optional<String> who) {
            String method = in.method();
            String path = in.path();
            boolean keepAlive = in.keepAlive();
            if (who.isEmpty()) {
                if (in.triedCredentials()) {
                    LOG.info("HTTP {} {} from {}: refused, bad credentials", method, path,
                            ctx.channel().remoteAddress());
                }
                FullHttpResponse r = error(401, in.triedCredentials() ? "bad credentials"
                        : "authentication required: send 'Authorization: Bearer <http.token>' or HTTP Basic "
                        + "credentials of a user in http.admins");
                for (String challenge : HttpAuth.CHALLENGES) {
                    r.headers().add(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
                }
                send(ctx, keepAlive, r);
                return;
            }
            if (path.equals("/metrics")) {
                if (!method.equals("GET")) {
                    send(ctx, keepAlive, error(405, method + " is not allowed here (allowed: GET)"));
                    return;
                }
                metrics.refresh().orTimeout(5, TimeUnit.SECONDS)
                        .handleAsync((v, e) -> reply(200, PROMETHEUS_TEXT,
                                metrics.scrape().getBytes(StandardCharsets.UTF_8)), ctx.executor())
                        .thenAccept(r -> send(ctx, keepAlive, r));
                return;
            }
            if (path.equals(AdminApi.PREFIX) || path.startsWith(AdminApi.PREFIX + "/")) {
                Map<String, String> query;
                try {
                    query = AdminApi.query(in.rawQuery());
                } catch (AdminApi.ApiError e) {
                    send(ctx, keepAlive, json(e.response()));
                    return;
                }
                if (!method.equals("GET")) {
                    LOG.info("HTTP {} {} by {} from {}", method, path, who.get(), ctx.channel().remoteAddress());
                }
                CompletableFuture<AdminApi.Response> answer = api.handle(new AdminApi.Request(method,
                        path.substring(AdminApi.PREFIX.length()), query, in.body()));
                answer.orTimeout(10, TimeUnit.SECONDS)
                        .handleAsync((r, e) -> e == null ? json(r)
                                : error(503, "the broker did not answer in time: " + e), ctx.executor())
                        .thenAccept(r -> send(ctx, keepAlive, r));
                return;
            }
            send(ctx, keepAlive, error(404, "not found: " + path + " (see /metrics, " + AdminApi.PREFIX
                    + "/openapi.json and " + DashboardFiles.PREFIX + ")"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("HTTP connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    private static FullHttpResponse json(AdminApi.Response r) {
        return reply(r.status(), "application/json",
                (Json.write(r.body()) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static FullHttpResponse error(int status, String message) {
        return json(new AdminApi.ApiError(status, null, message).response());
    }

    private static FullHttpResponse reply(int status, String contentType, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        r.headers().set("X-Content-Type-Options", "nosniff");
        HttpUtil.setContentLength(r, body.length);
        return r;
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse r) {
        if (!keepAlive) {
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        } else {
            HttpUtil.setKeepAlive(r, true);
            ctx.writeAndFlush(r);
        }
    }
}
