package dev.tern.codec.packet;

import java.util.Objects;

/**
 * One topic filter of a SUBSCRIBE with its options (the MQTT 5 options are false/0 for 3.1.1).
 *
 * @param qos maximum QoS 0..2
 * @param retainHandling 0 send retained at subscribe, 1 only if the subscription is new, 2 never
 */
public record Subscription(String topicFilter, int qos, boolean noLocal, boolean retainAsPublished,
                           int retainHandling) {
    public Subscription {
        Objects.requireNonNull(topicFilter, "topicFilter");
    }

    public static Subscription of(String topicFilter, int qos) {
        return new Subscription(topicFilter, qos, false, false, 0);
    }
}
