package dev.tern.storage.kv;

/** Reads of ordered tables whose keys compare as unsigned bytes. */
public interface KeyValueReader {

    /** The value of {@code key}, null when absent. */
    byte[] get(Table table, byte[] key);

    /**
     * Visits, in key order, the entries whose key starts with {@code prefix} and is at or after {@code from}
     * ({@code from} starts with {@code prefix} or equals it), until the visitor returns false or they run out.
     */
    void scan(Table table, byte[] prefix, byte[] from, EntryVisitor visitor);

    /** The greatest key of a table, null when it is empty. */
    byte[] lastKey(Table table);

    /** Visits one key-value entry; returns false to stop. The arrays belong to the visitor. */
    @FunctionalInterface
    interface EntryVisitor {
        boolean visit(byte[] key, byte[] value);
    }
}
