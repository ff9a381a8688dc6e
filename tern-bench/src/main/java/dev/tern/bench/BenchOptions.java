package dev.tern.bench;

import dev.tern.codec.MqttVersion;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * Everything a bench run needs.
 *
 * @param publishers number of publishing clients (scenario defaults apply when 0)
 * @param subscribers number of subscribing clients
 * @param topicPattern topic of publisher i, {@code %i} replaced by i and {@code %n} by the message's sequence number
 *     (1, 2, ...: then every message of a publisher has a topic of its own)
 * @param rate total messages per second over all publishers, 0 = as fast as the window allows
 * @param inflight per-publisher window of unacknowledged QoS 1/2 messages
 * @param duration how long publishers publish
 * @param count messages per publisher, 0 = until the duration ends
 * @param connections for {@link Scenario#CONN}: how many to open
 * @param connectRate new connections per second
 * @param warmup a period before measuring starts, in which load runs but is not counted
 * @param persistentSubscribers subscribers keep a persistent session (3.1.x clean session 0; MQTT 5 clean start 0
 *     with a session expiry of an hour), so that a broker with durable storage stores what they are sent
 * @param retain publishers set the RETAIN flag (with {@code %n} in the topic: one retained message per message)
 * @param filtersPerSubscriber 1: subscriber i subscribes to the scenario's filter; more: to that many filters of
 *     tenant i, see {@link TenantFilters}
 * @param qos0Window QoS 0 publishers stay at most this many messages ahead of their subscribers (see
 *     {@link DeliveryFrontier}); 0 = no window, publish as fast as the broker reads
 * @param sourceAddresses local addresses to connect from, one after the other (connection i from address
 *     i mod n); empty = the system chooses. Each local address has its own ephemeral ports, so several loopback
 *     addresses (127.0.0.1, 127.0.0.2, ...) hold more connections to one broker than one address can
 * @param transport plain TCP, TLS, WebSocket or both
 */
public record BenchOptions(
        Scenario scenario,
        String host,
        int port,
        MqttVersion version,
        int qos,
        int payloadSize,
        String topicPattern,
        int publishers,
        int subscribers,
        long rate,
        int inflight,
        Duration duration,
        long count,
        int connections,
        int connectRate,
        Duration warmup,
        String clientIdPrefix,
        boolean quiet,
        boolean persistentSubscribers,
        boolean retain,
        int filtersPerSubscriber,
        int qos0Window,
        List<InetAddress> sourceAddresses,
        BenchTransport transport) {

    /** Bytes the bench writes at the start of each payload: send time, publisher index, sequence. */
    public static final int HEADER_BYTES = 20;

    public BenchOptions {
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2");
        }
        if (payloadSize < HEADER_BYTES) {
            throw new IllegalArgumentException("payload size must be at least " + HEADER_BYTES
                    + " bytes (timestamp and sequence)");
        }
        if (inflight < 1 || inflight > 65535) {
            throw new IllegalArgumentException("inflight must be 1..65535");
        }
        if (filtersPerSubscriber < 1) {
            throw new IllegalArgumentException("filters per subscriber must be at least 1");
        }
        if (qos0Window < 0) {
            throw new IllegalArgumentException("the QoS 0 window must be 0 (none) or more");
        }
        sourceAddresses = List.copyOf(sourceAddresses);
        java.util.Objects.requireNonNull(transport, "transport");
    }

    public static BenchOptions defaults(Scenario scenario) {
        return new BenchOptions(scenario, "127.0.0.1", 1883, MqttVersion.V3_1_1, 0, 64, "bench/%i", 0, 0, 0, 64,
                Duration.ofSeconds(10), 0, 1000, 1000, Duration.ZERO, "tern-bench", false, false, false, 1, 0, List.of(),
                BenchTransport.PLAIN);
    }

    /** The number of publishers after scenario defaults. */
    public int effectivePublishers() {
        if (publishers > 0) {
            return publishers;
        }
        return switch (scenario) {
            case FANIN, SHARED -> 4;
            case PAIRS -> 100;
            case PUB, FANOUT -> 1;
            case SUB, CONN -> 0;
        };
    }

    /** The number of subscribers after scenario defaults. */
    public int effectiveSubscribers() {
        if (subscribers > 0) {
            return subscribers;
        }
        return switch (scenario) {
            case FANIN, SUB -> 1;
            case FANOUT -> 100;
            case PAIRS -> effectivePublishers();
            case SHARED -> 4;
            case PUB, CONN -> 0;
        };
    }

    public String topicFor(int publisher) {
        return topicPattern.replace("%i", Integer.toString(publisher));
    }

    /** True when the topic pattern has {@code %n}: each message's topic is its own. */
    public boolean topicPerMessage() {
        return topicPattern.contains("%n");
    }

    /** The topic of message {@code sequence} of publisher i. */
    public String topicFor(int publisher, long sequence) {
        return topicFor(publisher).replace("%n", Long.toString(sequence));
    }

    /** Every filter subscriber i subscribes to. */
    public List<String> filtersFor(int subscriber) {
        if (filtersPerSubscriber == 1) {
            return List.of(filterFor(subscriber));
        }
        return TenantFilters.of(subscriber, filtersPerSubscriber);
    }

    /** What subscriber i subscribes to in this scenario. */
    public String filterFor(int subscriber) {
        return switch (scenario) {
            case PAIRS -> topicFor(subscriber);
            case FANOUT -> topicFor(0);
            case SHARED -> "$share/bench/" + wildcardOfPattern();
            default -> wildcardOfPattern();
        };
    }

    private String wildcardOfPattern() {
        return topicPattern.replace("%i", "+").replace("%n", "+");
    }

    public BenchOptions withPort(int newPort) {
        return new BenchOptions(scenario, host, newPort, version, qos, payloadSize, topicPattern, publishers,
                subscribers, rate, inflight, duration, count, connections, connectRate, warmup, clientIdPrefix, quiet,
                persistentSubscribers, retain, filtersPerSubscriber, qos0Window, sourceAddresses, transport);
    }

    /** The local address connection number {@code i} (counted over every connection of the run) binds to. */
    public InetAddress sourceAddressFor(int i) {
        return sourceAddresses.isEmpty() ? null : sourceAddresses.get(Math.floorMod(i, sourceAddresses.size()));
    }
}
