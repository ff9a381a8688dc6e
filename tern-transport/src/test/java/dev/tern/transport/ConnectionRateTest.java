package dev.tern.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.transport.ConnectionRate.Verdict;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token buckets of {@link ConnectionRate}, on a clock the test moves. */
class ConnectionRateTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Starts far from zero so that nothing depends on the origin of nanoTime. */
    private final AtomicLong now = new AtomicLong(-123_456_789_000L);

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static int admitted(ConnectionRate rate, InetAddress from, int attempts) {
        int n = 0;
        for (int i = 0; i < attempts; i++) {
            if (rate.admit(from) == Verdict.ADMITTED) {
                n++;
            }
        }
        return n;
    }

    @Test
    void unlimitedAdmitsEverything() {
        ConnectionRate rate = new ConnectionRate(0, 0, 10, now::get);
        assertThat(admitted(rate, ip("10.0.0.1"), 10_000)).isEqualTo(10_000);
        assertThat(rate.trackedAddresses()).isZero();
    }

    @Test
    void listenerRateAllowsOneSecondOfBurstThenRefillsAtTheRate() {
        ConnectionRate rate = new ConnectionRate(5, 0, 10, now::get);
        assertThat(admitted(rate, ip("10.0.0.1"), 20)).as("burst of one second").isEqualTo(5);
        assertThat(rate.admit(ip("10.0.0.2"))).isEqualTo(Verdict.LISTENER_RATE);

        now.addAndGet(200 * MS); // one interval at 5/s
        assertThat(rate.admit(ip("10.0.0.2"))).isEqualTo(Verdict.ADMITTED);
        assertThat(rate.admit(ip("10.0.0.2"))).isEqualTo(Verdict.LISTENER_RATE);

        now.addAndGet(10_000 * MS); // a long quiet time refills no more than one second's worth
        assertThat(admitted(rate, ip("10.0.0.3"), 20)).isEqualTo(5);
    }

    @Test
    void perAddressRateIsCountedForEachAddress() {
        ConnectionRate rate = new ConnectionRate(0, 3, 10, now::get);
        assertThat(admitted(rate, ip("10.0.0.1"), 10)).isEqualTo(3);
        assertThat(rate.admit(ip("10.0.0.1"))).isEqualTo(Verdict.ADDRESS_RATE);
        assertThat(admitted(rate, ip("10.0.0.2"), 10)).as("another address has its own bucket").isEqualTo(3);
        assertThat(rate.admit(null)).as("an unknown address is not limited by address")
                .isEqualTo(Verdict.ADMITTED);

        now.addAndGet(1000 * MS);
        assertThat(admitted(rate, ip("10.0.0.1"), 10)).as("after a second").isEqualTo(3);
    }

    @Test
    void anAddressOverItsLimitDoesNotUseUpTheListenersRate() {
        ConnectionRate rate = new ConnectionRate(4, 2, 10, now::get);
        assertThat(admitted(rate, ip("10.0.0.1"), 100)).isEqualTo(2);
        assertThat(admitted(rate, ip("10.0.0.2"), 1)).isEqualTo(1);
        assertThat(admitted(rate, ip("10.0.0.3"), 1)).isEqualTo(1);
        assertThat(rate.admit(ip("10.0.0.4"))).isEqualTo(Verdict.LISTENER_RATE);
    }

    @Test
    void idleAddressesAreSweptAndTheMapIsCapped() {
        ConnectionRate rate = new ConnectionRate(0, 1, 3, now::get);
        for (int i = 1; i <= 3; i++) {
            assertThat(rate.admit(ip("10.0.0." + i))).isEqualTo(Verdict.ADMITTED);
        }
        assertThat(rate.trackedAddresses()).isEqualTo(3);

        // full: a new address is let through untracked, a known one is still limited
        assertThat(rate.admit(ip("10.0.1.1"))).isEqualTo(Verdict.ADMITTED);
        assertThat(rate.admit(ip("10.0.1.1"))).isEqualTo(Verdict.ADMITTED);
        assertThat(rate.admit(ip("10.0.0.1"))).isEqualTo(Verdict.ADDRESS_RATE);
        assertThat(rate.trackedAddresses()).isEqualTo(3);

        // 10 s after their bucket refilled (1 s at 1/s) the entries are idle and swept on the next arrival
        now.addAndGet(11_500 * MS);
        assertThat(rate.admit(ip("10.0.2.1"))).isEqualTo(Verdict.ADMITTED);
        assertThat(rate.trackedAddresses()).isEqualTo(1);
        assertThat(rate.admit(ip("10.0.2.1"))).isEqualTo(Verdict.ADDRESS_RATE);
    }

    @Test
    void recentlyUsedAddressesSurviveTheSweep() {
        ConnectionRate rate = new ConnectionRate(0, 1, 100, now::get);
        rate.admit(ip("10.0.0.1"));
        now.addAndGet(5_000 * MS);
        rate.admit(ip("10.0.0.2"));
        now.addAndGet(7_000 * MS); // 10.0.0.1 idle for 11 s, 10.0.0.2 for 6 s
        rate.admit(ip("10.0.0.3"));
        assertThat(rate.trackedAddresses()).isEqualTo(2);
    }

    @Test
    void concurrentCallersNeverExceedTheBurst() throws InterruptedException {
        ConnectionRate rate = new ConnectionRate(1000, 0, 10, now::get);
        AtomicLong admitted = new AtomicLong();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    if (rate.admitListener()) {
                        admitted.incrementAndGet();
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(admitted.get()).isEqualTo(1000);
    }
}
