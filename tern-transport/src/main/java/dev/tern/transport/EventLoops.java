package dev.tern.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The broker's threads: one acceptor thread and one I/O event loop per core. The I/O loops double as the session
 * shards of the core (see GUIDE.md §2: on few cores this saves a thread hop for many publishes). Epoll when the
 * native transport loads, NIO otherwise.
 */
public final class EventLoops implements AutoCloseable {
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Class<? extends ServerChannel> serverChannelClass;
    private final boolean epoll;

    private EventLoops(int threads) {
        this.epoll = Epoll.isAvailable() && !Boolean.getBoolean("tern.nio");
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tern-accept"), factory);
        this.workers = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("tern-io"), factory);
        this.serverChannelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** Threads for the given number of I/O loops; 0 = one per available processor. */
    public static EventLoops create(int threads) {
        return new EventLoops(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    }

    /** The I/O loops, in a fixed order, for use as session shards. */
    public List<EventExecutor> executors() {
        List<EventExecutor> out = new ArrayList<>();
        workers.iterator().forEachRemaining(out::add);
        return out;
    }

    public String transportName() {
        return epoll ? "epoll" : "nio";
    }

    EventLoopGroup acceptor() {
        return acceptor;
    }

    EventLoopGroup workers() {
        return workers;
    }

    Class<? extends ServerChannel> serverChannelClass() {
        return serverChannelClass;
    }

    @Override
    public void close() {
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        acceptor.terminationFuture().syncUninterruptibly();
        workers.terminationFuture().syncUninterruptibly();
    }
}
