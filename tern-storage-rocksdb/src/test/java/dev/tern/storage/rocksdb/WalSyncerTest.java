package dev.tern.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.spi.storage.StorageException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDBException;

class WalSyncerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static StorageException failed(Throwable e) {
        return new StorageException("sync failed: " + e.getMessage(), null, e);
    }

    @Test
    void groupsWrittenDuringASyncShareTheNextOneAndCompleteOnlyAfterIt() throws Exception {
        CountDownLatch firstSyncEntered = new CountDownLatch(1);
        CountDownLatch releaseFirstSync = new CountDownLatch(1);
        AtomicInteger syncs = new AtomicInteger();
        WalSyncer syncer = new WalSyncer(() -> {
            if (syncs.incrementAndGet() == 1) {
                firstSyncEntered.countDown();
                awaitLatch(releaseFirstSync);
            }
        }, WalSyncerTest::failed);
        try {
            CompletableFuture<Void> first = new CompletableFuture<>();
            syncer.written(List.of(first), true);
            assertThat(firstSyncEntered.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> second = new CompletableFuture<>();
            CompletableFuture<Void> third = new CompletableFuture<>();
            CompletableFuture<Void> nothingWritten = new CompletableFuture<>();
            syncer.written(List.of(second), true);
            syncer.written(List.of(third), true);
            syncer.written(List.of(nothingWritten), false);
            assertThat(first).as("not durable before its sync returns").isNotDone();
            assertThat(second).isNotDone();
            releaseFirstSync.countDown();
            assertThat(third).succeedsWithin(WAIT);
            assertThat(nothingWritten).succeedsWithin(WAIT);
            assertThat(first).isCompleted();
            assertThat(second).isCompleted();
            assertThat(syncs.get()).as("second, third and the empty group share one sync").isEqualTo(2);
        } finally {
            syncer.stop();
        }
    }

    @Test
    void aGroupThatWroteNothingNeedsNoSync() {
        AtomicInteger syncs = new AtomicInteger();
        WalSyncer syncer = new WalSyncer(syncs::incrementAndGet, WalSyncerTest::failed);
        try {
            CompletableFuture<Void> f = new CompletableFuture<>();
            syncer.written(List.of(f), false);
            assertThat(f).succeedsWithin(WAIT);
            assertThat(syncs.get()).isZero();
        } finally {
            syncer.stop();
        }
    }

    @Test
    void aFailedSyncFailsEveryFutureItWouldHaveCompleted() {
        WalSyncer syncer = new WalSyncer(() -> {
            throw new RocksDBException("disk gone");
        }, WalSyncerTest::failed);
        try {
            CompletableFuture<Void> a = new CompletableFuture<>();
            CompletableFuture<Void> b = new CompletableFuture<>();
            syncer.written(List.of(a, b), true);
            assertThat(a).failsWithin(WAIT);
            assertThat(b).failsWithin(WAIT).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(StorageException.class).withMessageContaining("disk gone");
        } finally {
            syncer.stop();
        }
    }

    @Test
    void stopSyncsAndCompletesWhatWasHandedOver() {
        AtomicInteger syncs = new AtomicInteger();
        WalSyncer syncer = new WalSyncer(syncs::incrementAndGet, WalSyncerTest::failed);
        CompletableFuture<Void> f = new CompletableFuture<>();
        syncer.written(List.of(f), true);
        syncer.stop();
        assertThat(f).isCompleted();
        assertThat(syncs.get()).isEqualTo(1);
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
