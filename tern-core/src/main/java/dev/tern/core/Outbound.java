package dev.tern.core;

import dev.tern.spi.storage.Withdrawable;
import java.util.List;

/**
 * A message on its way to one session: the message, the QoS and RETAIN flag it goes out with, and the
 * identifiers of the subscriptions it matched; {@code sharedVia} is the shared subscription it came through, if any;
 * {@code seq} its position in the session's stored queue, 0 when it is not stored; {@code withdrawable} the put of
 * that entry while it may still be taken back (null once this shard wrote about the entry itself).
 */
record Outbound(Message message, int qos, boolean retain, List<Integer> subscriptionIds, SubscriptionEntry sharedVia,
                long seq, Withdrawable withdrawable) {

    /** Not (yet) in the durable store. */
    Outbound(Message message, int qos, boolean retain, List<Integer> subscriptionIds, SubscriptionEntry sharedVia) {
        this(message, qos, retain, subscriptionIds, sharedVia, 0, null);
    }

    /** The same, as entry {@code newSeq} of its session's stored queue, whose put cannot be withdrawn. */
    Outbound withSeq(long newSeq) {
        return new Outbound(message, qos, retain, subscriptionIds, sharedVia, newSeq, null);
    }

    /**
     * True when the entry's put was taken back before the store applied it: the entry was never written and needs
     * no removal. False when there is nothing to take back or the store has it.
     */
    boolean withdrawStored() {
        return withdrawable != null && withdrawable.withdraw();
    }

    /** True when the session's stored queue holds this message. */
    boolean isStored() {
        return seq != 0;
    }

    int payloadSize() {
        return message.payload().length;
    }
}
