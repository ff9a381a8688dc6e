package dev.tern.spi.storage;

/** Where a {@link QueueEntry} stands in the outbound flow of its session. */
public enum DeliveryState {
    /** Not sent yet (or sent at QoS 0 only in memory): waits in the queue. */
    QUEUED,
    /** PUBLISH sent with the entry's packet id; PUBACK (QoS 1) or PUBREC (QoS 2) awaited. Resent with DUP. */
    INFLIGHT,
    /** QoS 2: PUBREC received and PUBREL sent with the entry's packet id; PUBCOMP awaited. PUBREL is resent. */
    RELEASED
}
