package dev.tern.spi.storage;

import java.util.Objects;

/**
 * A stored subscription; one per (client id, {@link #topicFilter()}).
 *
 * @param filter the topic filter without any {@code $share/group/} prefix
 * @param shareGroup the share group, null for an ordinary subscription
 * @param retainHandling the MQTT 5 Retain Handling option (0, 1 or 2)
 * @param subscriptionId the MQTT 5 subscription identifier, null when the SUBSCRIBE carried none
 */
public record SubscriptionRecord(String clientId, String filter, String shareGroup, int qos, boolean noLocal,
                                 boolean retainAsPublished, int retainHandling, Integer subscriptionId) {

    public SubscriptionRecord {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(filter, "filter");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos " + qos);
        }
        if (retainHandling < 0 || retainHandling > 2) {
            throw new IllegalArgumentException("retain handling " + retainHandling);
        }
    }

    /** The filter as the client wrote it, with any {@code $share/group/} prefix: the subscription's key. */
    public String topicFilter() {
        return shareGroup == null ? filter : "$share/" + shareGroup + "/" + filter;
    }
}
