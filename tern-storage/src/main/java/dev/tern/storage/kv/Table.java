package dev.tern.storage.kv;

/** The tables of a store. In RocksDB each is a column family named {@link #id()}. */
public enum Table {
    /** Store-wide facts: the format version, the message id floor. RocksDB's {@code default} column family. */
    META("default"),
    /** client id → {@link Records#encodeSession session}. */
    SESSIONS("sessions"),
    /** client key + topic filter as written → {@link Records#encodeSubscription subscription}. */
    SUBSCRIPTIONS("subscriptions"),
    /** message id → {@link Records#encodeMessage message}; not a message its only queue entry holds. */
    MESSAGES("messages"),
    /**
     * Reference bookkeeping. message id → {@link Records#encodeRefs counts} (count, expiry, size); message id +
     * holder → empty, one per holder (a queue entry or a retained slot), so that the holders of an expired message
     * can be found without a scan.
     */
    MESSAGE_REFS("message-refs"),
    /** Message ids stored with no reference yet: purged at open (what a crash left behind). */
    UNREFERENCED("unreferenced"),
    /**
     * client key + seq → {@link Records#encodeQueueEntry queue entry}, which may hold its message
     * ({@link Records#ENTRY_WITH_MESSAGE_V1}).
     */
    QUEUES("queues"),
    /** topic → message id. */
    RETAINED("retained"),
    /** client key + packet id → empty. */
    INBOUND("inbound"),
    /** client id → {@link Records#encodeWill will}. */
    WILLS("wills"),
    /** kind + expiry millis + (client id | message id) → empty: what expires when, in time order. */
    EXPIRY("expiry");

    private final String id;

    Table(String id) {
        this.id = id;
    }

    /** The table's stable name in a data folder. */
    public String id() {
        return id;
    }
}
