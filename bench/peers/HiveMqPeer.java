import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedHiveMQ;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts HiveMQ CE (embedded, from Maven Central) as a peer for bench/compare, with the settings the comparison
 * uses for every broker: one loopback TCP listener, anonymous clients, everything in memory, queues large enough
 * that a fast fan-in does not drop at the broker, and the same inflight window as Tern (128) both ways: the
 * client's ({@code server-receive-maximum}) and the broker's own towards a subscriber, which HiveMQ CE caps at
 * {@code InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES} (50 by default, whatever the client's receive
 * maximum; no config.xml element sets it, so it is set here before the start).
 *
 * <p>HiveMQ CE 2025.5 has no overload protection to configure (its config.xsd has no such element; it is a feature
 * of the Enterprise edition) and nothing that holds QoS 0 publishers back: under a QoS 0 load it cannot keep up
 * with, the PUBLISH packets it has read pile up in its incoming-publish pipeline, delivery starves and the heap fills.
 * bench/compare therefore runs the QoS 0 scenarios with {@code tern bench --qos0-window} for every broker (see
 * docs/performance.md).
 *
 * <p>Run by bench/compare with java's single-file launcher:
 * {@code java -cp "$(cat bench/peers/hivemq/target/classpath)" bench/peers/HiveMqPeer.java PORT WORKDIR}.
 * Prints "READY port=PORT" once it accepts connections; stops cleanly on SIGTERM.
 */
public final class HiveMqPeer {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path work = Path.of(args[1]).toAbsolutePath();
        long maxQueued = args.length > 2 ? Long.parseLong(args[2]) : 100_000;
        int inflight = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        Path conf = Files.createDirectories(work.resolve("conf"));
        Path data = Files.createDirectories(work.resolve("data"));
        Path extensions = Files.createDirectories(work.resolve("extensions"));
        InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES = inflight;
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>127.0.0.1</bind-address>
                        </tcp-listener>
                    </listeners>
                    <mqtt>
                        <queued-messages>
                            <max-queue-size>%d</max-queue-size>
                            <strategy>discard</strategy>
                        </queued-messages>
                        <receive-maximum>
                            <server-receive-maximum>%d</server-receive-maximum>
                        </receive-maximum>
                    </mqtt>
                    <persistence>
                        <mode>in-memory</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, maxQueued, inflight));

        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(data)
                .withExtensionsFolder(extensions)
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                hivemq.stop().join();
                hivemq.close();
            } catch (Exception e) {
                // exiting anyway
            }
        }, "hivemq-peer-stop"));
        hivemq.start().join();
        System.out.println("READY port=" + port);
        Thread.currentThread().join();
    }
}
