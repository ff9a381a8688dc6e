package dev.tern.core;

import java.util.List;

/**
 * A message on its way to one session: the message, the QoS and RETAIN flag it goes out with, and the
 * identifiers of the subscriptions it matched; {@code sharedVia} is the shared subscription it came through, if any;
 * {@code seq} its position in the session's stored queue, 0 when it is not stored.
 */
record Outbound(Message message, int qos, boolean retain, List<Integer> subscriptionIds, SubscriptionEntry sharedVia,
                long seq) {

    /** Not (yet) in the durable store. */
    Outbound(Message message, int qos, boolean retain, List<Integer> subscriptionIds, SubscriptionEntry sharedVia) {
        this(message, qos, retain, subscriptionIds, sharedVia, 0);
    }

    /** The same, as entry {@code newSeq} of its session's stored queue. */
    Outbound withSeq(long newSeq) {
        return new Outbound(message, qos, retain, subscriptionIds, sharedVia, newSeq);
    }

    /** True when the session's stored queue holds this message. */
    boolean isStored() {
        return seq != 0;
    }

    int payloadSize() {
        return message.payload().length;
    }
}
