package dev.tern.storage.kv;

import dev.tern.spi.storage.Mutation;
import dev.tern.spi.storage.StorageBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the mutations of a write group (batches applied together, atomically) whose effects cancel out, so that a
 * store can skip them: a queue entry put and removed within the group (a message delivered and acknowledged before
 * the store got to write it), and a message put within the group whose every reference in the group was such an
 * entry. Skipping them leaves exactly the state applying them would have left, with no key written at all; with
 * subscribers that keep up, most messages then never reach the disk.
 *
 * <p>A withdrawn entry ({@link dev.tern.spi.storage.Withdrawable}: acknowledged before the store got to it, with
 * its removal never sent) counts as put and removed; the others in the group are claimed here, so the core can no
 * longer withdraw them.
 *
 * <p>Conservative by design: an entry touched by anything else in the group (a session deleted, a retained slot)
 * keeps its writes; a message referenced by an entry from an earlier group is not put in this group and so is never
 * considered.
 */
public final class WriteElision {
    private WriteElision() {
    }

    private record EntryKey(String clientId, long seq) {
    }

    /** Per message put in the group: its put mutations, and references that stay or that cancel out. */
    private static final class PutMessageState {
        final List<Mutation> puts = new ArrayList<>(1);
        int liveReferences;
        int cancelledReferences;
    }

    /** Per queue entry put in the group: its put mutations, and the message it references. */
    private static final class EntryState {
        final List<Mutation> puts = new ArrayList<>(2);
        long messageId;
    }

    /**
     * The mutations (by identity) of {@code group}, in commit order, to skip. Empty when nothing cancels out.
     */
    public static Set<Mutation> cancelled(List<StorageBatch> group) {
        Map<EntryKey, EntryState> open = new HashMap<>();
        Map<Long, PutMessageState> messages = new HashMap<>();
        Set<Mutation> skip = null;
        for (StorageBatch batch : group) {
            for (Mutation m : batch.mutations()) {
                if (m instanceof Mutation.PutMessage pm) {
                    messages.computeIfAbsent(pm.message().id(), id -> new PutMessageState()).puts.add(m);
                } else if (m instanceof Mutation.PutQueueEntry pq) {
                    if (pq.withdrawable() != null && !pq.withdrawable().claim()) {
                        // withdrawn by the core before the store got to it: as if put and removed
                        if (skip == null) {
                            skip = Collections.newSetFromMap(new IdentityHashMap<>());
                        }
                        skip.add(m);
                        PutMessageState ms = messages.get(pq.entry().messageId());
                        if (ms != null) {
                            ms.cancelledReferences++;
                        }
                        continue;
                    }
                    EntryKey key = new EntryKey(pq.clientId(), pq.entry().seq());
                    EntryState e = open.get(key);
                    if (e == null) {
                        e = new EntryState();
                        e.messageId = pq.entry().messageId();
                        open.put(key, e);
                        PutMessageState ms = messages.get(e.messageId);
                        if (ms != null) {
                            ms.liveReferences++;
                        }
                    } else if (e.messageId != pq.entry().messageId()) {
                        // the entry now references another message: keep it simple, do not cancel this entry
                        open.remove(key);
                        continue;
                    }
                    e.puts.add(m);
                } else if (m instanceof Mutation.RemoveQueueEntry rq) {
                    EntryState e = open.remove(new EntryKey(rq.clientId(), rq.seq()));
                    if (e != null) {
                        if (skip == null) {
                            skip = Collections.newSetFromMap(new IdentityHashMap<>());
                        }
                        skip.addAll(e.puts);
                        skip.add(m);
                        PutMessageState ms = messages.get(e.messageId);
                        if (ms != null) {
                            ms.liveReferences--;
                            ms.cancelledReferences++;
                        }
                    }
                } else if (m instanceof Mutation.PutRetained pr) {
                    PutMessageState ms = messages.get(pr.messageId());
                    if (ms != null) {
                        ms.liveReferences++;
                    }
                } else if (m instanceof Mutation.DeleteSession ds) {
                    // entries of a deleted session go with it; do not pair their removals across the deletion
                    open.keySet().removeIf(k -> k.clientId().equals(ds.clientId()));
                }
            }
        }
        if (skip == null) {
            return Set.of();
        }
        for (PutMessageState ms : messages.values()) {
            if (ms.liveReferences == 0 && ms.cancelledReferences > 0) {
                skip.addAll(ms.puts);
            }
        }
        return skip;
    }
}
