package dev.tern.testkit;

import dev.tern.server.Tern;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs an embedded Tern broker on {@code 127.0.0.1} and a free port, so that MQTT code
 * can be tested against a real broker without containers.
 *
 * <p>Registered on a {@code static} field, one broker serves every test of the class: it starts before the first
 * test and stops after the last. Registered on an instance field, each test gets a fresh broker.
 *
 * <pre>{@code
 * class SensorPublisherTest {
 *     @RegisterExtension
 *     static TernExtension broker = new TernExtension();
 *
 *     @Test
 *     void publishesTemperature() throws Exception {
 *         MqttClient client = new MqttClient(broker.uri(), "sensor-1", new MemoryPersistence());
 *         client.connect();
 *         client.publish("home/temperature", "25°C".getBytes(StandardCharsets.UTF_8), 1, false);
 *         client.disconnect();
 *     }
 * }
 * }</pre>
 *
 * <p>To change the broker's settings, pass a customizer of the {@link Tern.Builder}; it runs after the extension
 * has set {@code bind("127.0.0.1")} and {@code port(0)}:
 *
 * <pre>{@code
 * @RegisterExtension
 * static TernExtension broker = new TernExtension(b -> b.mqtt(MqttSettings.defaults().withMaxKeepAlive(30)));
 * }</pre>
 */
public class TernExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    /** The address the broker listens on. */
    public static final String HOST = "127.0.0.1";

    private final Consumer<Tern.Builder> customizer;
    private Tern tern;
    private int port;
    private boolean perTest;

    /** A broker with the embedded defaults. */
    public TernExtension() {
        this(builder -> { });
    }

    /** A broker whose builder is adjusted by {@code customizer} before it is built. */
    public TernExtension(Consumer<Tern.Builder> customizer) {
        this.customizer = Objects.requireNonNull(customizer, "customizer");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (tern == null) {
            perTest = true;
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            stop();
        }
    }

    /**
     * Starts the broker. Called by JUnit; call it yourself only when using the extension without JUnit.
     *
     * @return the bound port
     */
    public synchronized int start() {
        if (tern != null) {
            return port;
        }
        Tern.Builder builder = Tern.builder().bind(HOST).port(0);
        if ("rocksdb".equals(System.getProperty(STORAGE_PROPERTY))) {
            builder.dataDir(newDataDir());
        }
        customizer.accept(builder);
        Tern built = builder.build();
        try {
            port = built.start();
        } catch (RuntimeException e) {
            built.close();
            throw e;
        }
        tern = built;
        return port;
    }

    /**
     * System property: {@code rocksdb} runs every broker of this extension on durable storage in a fresh temporary
     * folder (the test suite runs its protocol tests once more that way); unset, brokers keep everything in memory.
     */
    public static final String STORAGE_PROPERTY = "tern.test.storage";

    private static java.nio.file.Path newDataDir() {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("tern-test-data");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Stops the broker if it runs. Called by JUnit. */
    public synchronized void stop() {
        if (tern != null) {
            try {
                tern.close();
            } finally {
                tern = null;
            }
        }
    }

    /** The port the broker listens on. */
    public int port() {
        requireRunning();
        return port;
    }

    /** The host the broker listens on: {@value #HOST}. */
    public String host() {
        return HOST;
    }

    /** The broker's address for Paho-style clients: {@code tcp://127.0.0.1:<port>}. */
    public String uri() {
        return "tcp://" + HOST + ":" + port();
    }

    /** The running broker. */
    public Tern tern() {
        requireRunning();
        return tern;
    }

    /** A {@link RawMqttClient} with an open socket to the broker (nothing sent yet). Close it after use. */
    public RawMqttClient rawClient() {
        return RawMqttClient.connect(HOST, port());
    }

    private void requireRunning() {
        if (tern == null) {
            throw new IllegalStateException("the broker is not running: register TernExtension with "
                    + "@RegisterExtension (static for one broker per class), or call start()");
        }
    }
}
