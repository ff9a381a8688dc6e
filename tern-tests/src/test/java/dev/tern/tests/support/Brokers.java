package dev.tern.tests.support;

import static org.awaitility.Awaitility.await;

import dev.tern.testkit.TernExtension;
import java.time.Duration;

/** Waits on the broker's own view of things, for tests whose next step depends on it. */
public final class Brokers {
    private Brokers() {
    }

    /**
     * A client library's disconnect returns once DISCONNECT is written, before the broker has handled it: a test
     * that publishes "while the client is offline" waits for this first.
     */
    public static void awaitOffline(TernExtension broker, String clientId) {
        awaitOffline(broker.tern(), clientId);
    }

    /** The same for a broker a test started itself. */
    public static void awaitOffline(dev.tern.server.Tern tern, String clientId) {
        await().atMost(Duration.ofSeconds(5)).until(() -> !tern.broker().isConnected(clientId));
    }
}
