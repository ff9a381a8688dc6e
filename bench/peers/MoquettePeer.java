import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Starts Moquette 0.17 (from Maven Central) as a peer for bench/compare: one loopback TCP listener, anonymous
 * clients, no persistence, epoll, a large session queue, no telemetry. Moquette's inflight window is not
 * configurable.
 *
 * <p>Run by bench/compare with java's single-file launcher:
 * {@code java -cp "$(cat bench/peers/moquette/target/classpath)" bench/peers/MoquettePeer.java PORT WORKDIR}.
 * Prints "READY port=PORT" once it accepts connections; stops cleanly on SIGTERM.
 */
public final class MoquettePeer {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path work = Files.createDirectories(Path.of(args[1]).toAbsolutePath());
        String queue = args.length > 2 ? args[2] : "100000";
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", Integer.toString(port));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("allow_anonymous", "true");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("data_path", work.resolve("data").toString());
        p.setProperty("session_queue_size", queue);
        p.setProperty("netty.epoll", "true");
        p.setProperty("telemetry_enabled", "false");
        Server server = new Server();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stopServer, "moquette-peer-stop"));
        server.startServer(new MemoryConfig(p));
        System.out.println("READY port=" + port);
        Thread.currentThread().join();
    }
}
