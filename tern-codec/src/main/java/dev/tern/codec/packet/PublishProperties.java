package dev.tern.codec.packet;

import java.util.List;

/**
 * The MQTT 5 properties of a PUBLISH (and, without topic alias and subscription identifiers, of a will).
 * A null field was absent on the wire.
 *
 * @param payloadFormatIndicator 0 (bytes) or 1 (UTF-8)
 * @param messageExpiryInterval seconds, 0..4294967295
 * @param topicAlias 1..65535
 * @param subscriptionIdentifiers only on PUBLISH from server to client
 */
public record PublishProperties(
        Integer payloadFormatIndicator,
        Long messageExpiryInterval,
        Integer topicAlias,
        String responseTopic,
        byte[] correlationData,
        String contentType,
        List<Integer> subscriptionIdentifiers,
        List<UserProperty> userProperties) {

    public static final PublishProperties EMPTY =
            new PublishProperties(null, null, null, null, null, null, List.of(), List.of());

    public PublishProperties {
        subscriptionIdentifiers = List.copyOf(subscriptionIdentifiers);
        userProperties = List.copyOf(userProperties);
    }

    public boolean isEmpty() {
        return payloadFormatIndicator == null && messageExpiryInterval == null && topicAlias == null
                && responseTopic == null && correlationData == null && contentType == null
                && subscriptionIdentifiers.isEmpty() && userProperties.isEmpty();
    }

    public PublishProperties withTopicAlias(Integer alias) {
        return new PublishProperties(payloadFormatIndicator, messageExpiryInterval, alias, responseTopic,
                correlationData, contentType, subscriptionIdentifiers, userProperties);
    }

    public PublishProperties withMessageExpiryInterval(Long seconds) {
        return new PublishProperties(payloadFormatIndicator, seconds, topicAlias, responseTopic,
                correlationData, contentType, subscriptionIdentifiers, userProperties);
    }

    public PublishProperties withSubscriptionIdentifiers(List<Integer> ids) {
        return new PublishProperties(payloadFormatIndicator, messageExpiryInterval, topicAlias, responseTopic,
                correlationData, contentType, ids, userProperties);
    }
}
