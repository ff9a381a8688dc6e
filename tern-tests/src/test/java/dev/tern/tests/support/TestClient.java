package dev.tern.tests.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** The few operations the integration tests need, implemented over each real client library. */
public interface TestClient extends AutoCloseable {
    Duration TIMEOUT = Duration.ofSeconds(5);

    String name();

    /** Connects with clean session (3.1.1) / clean start (5); MQTT 5 sessions get a long expiry when not clean. */
    void connect(boolean clean) throws Exception;

    /** Subscribes and waits for the SUBACK. */
    void subscribe(String filter, int qos) throws Exception;

    /** Publishes and waits until the flow for its QoS completed. */
    void publish(String topic, byte[] payload, int qos, boolean retain) throws Exception;

    /** Sends DISCONNECT and closes the connection. */
    void disconnect() throws Exception;

    /** Messages received, in arrival order. */
    BlockingQueue<Msg> messages();

    default void publish(String topic, String payload, int qos, boolean retain) throws Exception {
        publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retain);
    }

    /** The next message; fails when none arrives within {@link #TIMEOUT}. */
    default Msg awaitMessage() throws InterruptedException {
        Msg m = messages().poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError(name() + ": no message within " + TIMEOUT);
        }
        return m;
    }

    /** The next {@code n} messages; fails when they do not all arrive within {@link #TIMEOUT} each. */
    default List<Msg> awaitMessages(int n) throws InterruptedException {
        List<Msg> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(awaitMessage());
        }
        return list;
    }

    /** Fails when a message arrives within {@code quiet}. */
    default void assertNoMessage(Duration quiet) throws InterruptedException {
        Msg m = messages().poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
        if (m != null) {
            throw new AssertionError(name() + ": expected no message but got " + m);
        }
    }

    @Override
    void close();
}
