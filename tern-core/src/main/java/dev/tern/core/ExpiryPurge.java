package dev.tern.core;

import dev.tern.spi.storage.ExpiredMessages;
import dev.tern.spi.storage.QueueEntryRef;
import dev.tern.spi.storage.StorageEngine;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes expired messages from the store at start and then periodically, through the store's expiry index (never
 * by scanning queues, and never on the publish path): queued entries whose message expired, and expired retained
 * messages. Sent entries stay until acknowledged. Each shard then forgets what it counted of them for its offline
 * sessions (their queues are in the store only); messages held in memory are dropped when they would be sent, as
 * always.
 */
final class ExpiryPurge {
    private static final Logger LOG = LoggerFactory.getLogger(ExpiryPurge.class);
    /** Expired messages removed per store call; the purge goes on while the store says there are more. */
    static final int LIMIT = 10_000;

    private final Broker broker;
    private final StorageEngine engine;
    private final long intervalMillis;
    private ScheduledFuture<?> timer;
    private volatile boolean stopped;

    ExpiryPurge(Broker broker, StorageEngine engine, long intervalMillis) {
        this.broker = broker;
        this.engine = engine;
        this.intervalMillis = intervalMillis;
    }

    /** Runs now, then every interval, on the first shard's thread (the work itself is the store's). */
    void start() {
        schedule(0);
    }

    void stop() {
        stopped = true;
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }

    private void schedule(long delayMillis) {
        if (!stopped) {
            timer = broker.shards()[0].schedule(this::purge, delayMillis);
        }
    }

    private void purge() {
        if (stopped) {
            return;
        }
        engine.purgeExpiredMessages(broker.now(), LIMIT).whenComplete((expired, error) -> {
            if (error != null) {
                LOG.warn("storage: purging expired messages failed: {}", error.toString());
                schedule(intervalMillis);
                return;
            }
            apply(expired);
            schedule(expired.more() ? 0 : intervalMillis);
        });
    }

    private void apply(ExpiredMessages expired) {
        if (expired.queueEntries().isEmpty() && expired.retainedTopics().isEmpty()) {
            return;
        }
        LOG.debug("storage: purged {} expired queued messages, {} expired retained messages", expired
                .queueEntries().size(), expired.retainedTopics().size());
        Map<Shard, List<QueueEntryRef>> byShard = new HashMap<>();
        for (QueueEntryRef ref : expired.queueEntries()) {
            byShard.computeIfAbsent(broker.shardFor(ref.clientId()), s -> new ArrayList<>()).add(ref);
        }
        byShard.forEach((shard, refs) -> shard.submit(() -> {
            for (QueueEntryRef ref : refs) {
                Session s = shard.sessions.get(ref.clientId());
                if (s != null) {
                    s.out.purgedFromStore();
                }
                broker.stats().dropped(DropReason.EXPIRED);
            }
        }));
        long now = broker.now();
        for (String topic : expired.retainedTopics()) {
            broker.retained().removeIfExpired(topic, now);
        }
    }

    static long defaultIntervalMillis() {
        return TimeUnit.MINUTES.toMillis(1);
    }
}
