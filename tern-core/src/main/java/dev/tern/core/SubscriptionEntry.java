package dev.tern.core;

/**
 * One subscription of one session, as held in the {@link TopicIndex}.
 *
 * @param filter the topic filter without any {@code $share/group/} prefix
 * @param shareGroup null for an ordinary subscription
 * @param subscriptionId null when the SUBSCRIBE carried none
 * @param backlog the subscribing session's backlog, shared by all its entries
 */
public record SubscriptionEntry(String clientId, String filter, String shareGroup, int qos, boolean noLocal,
                                boolean retainAsPublished, int retainHandling, Integer subscriptionId,
                                SessionBacklog backlog) {

    /** An entry with a backlog of its own, for tests and tools that do not route. */
    public SubscriptionEntry(String clientId, String filter, String shareGroup, int qos, boolean noLocal,
                             boolean retainAsPublished, int retainHandling, Integer subscriptionId) {
        this(clientId, filter, shareGroup, qos, noLocal, retainAsPublished, retainHandling, subscriptionId,
                new SessionBacklog());
    }

    public boolean isShared() {
        return shareGroup != null;
    }

    /** The filter as the client wrote it, with the share prefix. */
    public String fullFilter() {
        return shareGroup == null ? filter : "$share/" + shareGroup + "/" + filter;
    }
}
