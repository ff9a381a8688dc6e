package dev.tern.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A parsed file that can be re-read while the broker runs (on SIGHUP, or when {@link #watch} sees it change). A
 * re-read that fails keeps the value in force and returns the reason, so a bad edit never locks clients out.
 *
 * <p>Thread-safe: {@link #get} is one volatile read, a reload swaps the reference; reloads are serialized.
 *
 * @param <T> what the file parses to, e.g. {@link PasswordFile} or {@link AclFile}
 */
public final class ReloadingFile<T> implements Supplier<T> {

    /** Reads the file into a value, failing with an exception whose message says what is wrong. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(Path file) throws IOException;
    }

    /** Told the outcome of each reload the watcher makes. */
    @FunctionalInterface
    public interface Listener {
        /** @param error empty when the new content is in force, else why the old one was kept */
        void reloaded(Path file, Optional<String> error);
    }

    /** The default polling interval of {@link #watch()}. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);

    private final Path file;
    private final Parser<T> parser;
    private volatile T value;

    private ReloadingFile(Path file, Parser<T> parser, T value) {
        this.file = file;
        this.parser = parser;
        this.value = value;
    }

    /** Reads the file once; fails when it cannot be read or parsed (the broker should not start then). */
    public static <T> ReloadingFile<T> load(Path file, Parser<T> parser) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(parser, "parser");
        return new ReloadingFile<>(file, parser, Objects.requireNonNull(parser.parse(file), "parser result"));
    }

    public static ReloadingFile<PasswordFile> passwordFile(Path file) throws IOException {
        return load(file, PasswordFile::load);
    }

    public static ReloadingFile<AclFile> aclFile(Path file) throws IOException {
        return load(file, AclFile::load);
    }

    /** The value in force. */
    @Override
    public T get() {
        return value;
    }

    public Path path() {
        return file;
    }

    /**
     * Re-reads the file. On success the new value is in force and the result is empty; on failure the old value
     * stays and the result is a message for the log (naming the file, the line and the problem where known).
     */
    public synchronized Optional<String> reload() {
        try {
            T fresh = parser.parse(file);
            if (fresh == null) {
                return Optional.of(file + ": could not be read; keeping the previous version");
            }
            value = fresh;
            return Optional.empty();
        } catch (FileFormatException e) {
            return Optional.of(e.getMessage() + "; keeping the previous version");
        } catch (NoSuchFileException e) {
            return Optional.of(file + ": file not found; keeping the previous version");
        } catch (IOException | RuntimeException e) {
            return Optional.of(file + ": " + e + "; keeping the previous version");
        }
    }

    /** {@link #watch(Duration, Listener)} every 2 seconds, outcomes ignored. */
    public Watcher watch() {
        return watch(DEFAULT_POLL_INTERVAL, (f, e) -> { });
    }

    /**
     * Polls the file's modification time, size and identity every {@code interval} on a daemon thread, and
     * reloads when they change (polling rather than a WatchService, which misses changes on some overlay and
     * network file systems and when the file is replaced by a rename). Close the watcher to stop.
     */
    public Watcher watch(Duration interval, Listener listener) {
        Objects.requireNonNull(listener, "listener");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive");
        }
        return new Watcher(interval, listener);
    }

    /** A running poll of the file; {@link #close} stops it. */
    public final class Watcher implements AutoCloseable {
        private final ScheduledExecutorService executor;
        private final Listener listener;
        private Object lastStamp;

        private Watcher(Duration interval, Listener listener) {
            this.listener = listener;
            this.lastStamp = stamp();
            this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tern-watch-" + file.getFileName());
                t.setDaemon(true);
                return t;
            });
            long ms = Math.max(1, interval.toMillis());
            executor.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
        }

        private void poll() {
            try {
                Object now = stamp();
                if (now.equals(lastStamp)) {
                    return;
                }
                lastStamp = now;
                listener.reloaded(file, reload());
            } catch (RuntimeException e) {
                // a failing listener must not stop the polling
            }
        }

        private Object stamp() {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return java.util.Arrays.asList(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
            } catch (IOException e) {
                return "missing";
            }
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }
}
