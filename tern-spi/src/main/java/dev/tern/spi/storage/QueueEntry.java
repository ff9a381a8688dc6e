package dev.tern.spi.storage;

import java.util.List;
import java.util.Objects;

/**
 * One message in one session's outbound queue. A session's entries are kept in {@link #seq()} order; the core
 * allocates sequence numbers per session, increasing (e.g. one past {@link QueueSummary#lastSeq()} after a restart).
 * An entry holds one reference to its message.
 *
 * @param seq position in the session's queue, positive, increasing in delivery order
 * @param messageId the {@link StoredMessage#id()} it delivers
 * @param qos the QoS it goes out with (after downgrade to the subscription's)
 * @param retain the RETAIN flag it goes out with
 * @param subscriptionIds the identifiers of the subscriptions it matched, empty when none
 * @param sharedVia the shared subscription ({@code $share/group/filter}) it came through, null otherwise
 * @param state where it stands
 * @param packetId the packet id while {@link DeliveryState#INFLIGHT} or {@link DeliveryState#RELEASED}, 0 when queued
 */
public record QueueEntry(long seq, long messageId, int qos, boolean retain, List<Integer> subscriptionIds,
                         String sharedVia, DeliveryState state, int packetId) {

    public QueueEntry {
        Objects.requireNonNull(state, "state");
        subscriptionIds = subscriptionIds == null ? List.of() : List.copyOf(subscriptionIds);
        if (seq <= 0) {
            throw new IllegalArgumentException("seq must be positive: " + seq);
        }
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos " + qos);
        }
        if (state == DeliveryState.QUEUED ? packetId != 0 : packetId < 1 || packetId > 65535) {
            throw new IllegalArgumentException("packet id " + packetId + " does not fit state " + state);
        }
    }

    /** A queued (not yet sent) entry. */
    public static QueueEntry queued(long seq, long messageId, int qos, boolean retain, List<Integer> subscriptionIds,
                                    String sharedVia) {
        return new QueueEntry(seq, messageId, qos, retain, subscriptionIds, sharedVia, DeliveryState.QUEUED, 0);
    }

    /** This entry sent with {@code packetId}. */
    public QueueEntry inflight(int packetId) {
        return new QueueEntry(seq, messageId, qos, retain, subscriptionIds, sharedVia, DeliveryState.INFLIGHT, packetId);
    }

    /** This entry after PUBREC, PUBREL sent. */
    public QueueEntry released() {
        return new QueueEntry(seq, messageId, qos, retain, subscriptionIds, sharedVia, DeliveryState.RELEASED, packetId);
    }
}
