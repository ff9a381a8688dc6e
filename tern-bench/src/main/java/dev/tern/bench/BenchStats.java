package dev.tern.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Counters and the latency recorder of one run, safe to update from every event loop. */
final class BenchStats {
    final LongAdder published = new LongAdder();
    final LongAdder acknowledged = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder connected = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder errors = new LongAdder();
    private final Recorder latency = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
    private final Histogram total = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private volatile boolean measuring = true;

    void recordLatency(long nanos) {
        if (measuring && nanos >= 0) {
            latency.recordValue(Math.min(nanos, TimeUnit.SECONDS.toNanos(60)));
        }
    }

    void setMeasuring(boolean on) {
        measuring = on;
    }

    /** Drains the interval histogram into the run total; returns the interval. */
    synchronized Histogram interval() {
        Histogram h = latency.getIntervalHistogram();
        total.add(h);
        return h;
    }

    synchronized Histogram total() {
        interval();
        return total.copy();
    }

    /** Forgets what the warm-up recorded. */
    synchronized void resetLatency() {
        latency.reset();
        total.reset();
    }
}
