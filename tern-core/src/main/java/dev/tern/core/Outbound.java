package dev.tern.core;

import java.util.List;

/**
 * A message on its way to one session: the message, the QoS and RETAIN flag it goes out with, and the
 * identifiers of the subscriptions it matched; {@code sharedVia} is the shared subscription it came through, if any.
 */
record Outbound(Message message, int qos, boolean retain, List<Integer> subscriptionIds, SubscriptionEntry sharedVia) {

    int payloadSize() {
        return message.payload().length;
    }
}
