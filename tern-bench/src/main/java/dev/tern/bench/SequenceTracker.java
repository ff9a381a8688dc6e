package dev.tern.bench;

import java.util.BitSet;

/**
 * What one subscriber received from one publisher: the set of sequence numbers, duplicates and reorderings.
 * Used on the subscriber's event loop only; read after the run has quiesced.
 */
final class SequenceTracker {
    private final BitSet seen = new BitSet();
    private long highest;
    private long duplicates;
    private long reordered;

    void record(long seq) {
        int i = (int) seq;
        if (seen.get(i)) {
            duplicates++;
            return;
        }
        seen.set(i);
        if (seq < highest) {
            reordered++;
        } else {
            highest = seq;
        }
    }

    boolean has(long seq) {
        return seen.get((int) seq);
    }

    long duplicates() {
        return duplicates;
    }

    long reordered() {
        return reordered;
    }

    BitSet seen() {
        return seen;
    }

    /** Sequence numbers 1..upTo not received. */
    long missingUpTo(long upTo) {
        if (upTo <= 0) {
            return 0;
        }
        return upTo - seen.get(1, (int) upTo + 1).cardinality();
    }
}
