package dev.tern.core;

/**
 * One subscription of one session, as held in the {@link TopicIndex}.
 *
 * @param filter the topic filter without any {@code $share/group/} prefix
 * @param shareGroup null for an ordinary subscription
 * @param subscriptionId null when the SUBSCRIBE carried none
 */
public record SubscriptionEntry(String clientId, String filter, String shareGroup, int qos, boolean noLocal,
                                boolean retainAsPublished, int retainHandling, Integer subscriptionId) {

    public boolean isShared() {
        return shareGroup != null;
    }

    /** The filter as the client wrote it, with the share prefix. */
    public String fullFilter() {
        return shareGroup == null ? filter : "$share/" + shareGroup + "/" + filter;
    }
}
