package dev.tern.benchmarks.topic;

import dev.tern.core.SubscriptionEntry;
import dev.tern.core.TopicIndex;
import java.util.SplittableRandom;

/**
 * A multi-tenant IoT subscription set, built the same way for the match benchmark and the footprint report.
 *
 * <p>Per tenant (1,000 subscriptions each, so 1,000,000 subscriptions are 1,000 tenants):
 * <ul>
 *   <li>900 exact subscriptions, one per device: {@code tenant/T/device/D/temp} (90%);</li>
 *   <li>45 {@code tenant/T/+/D/#} (a device under any kind of node), 45 {@code tenant/T/device/D/#} (everything a
 *       device publishes), 5 {@code tenant/T/device/+/temp} (tenant dashboards: match every device's
 *       temperature) and 5 {@code tenant/T/+/+/humidity} (never match a temperature topic, but are on the
 *       walk): 100 wildcard subscriptions (10%).</li>
 * </ul>
 * Every subscription belongs to a different client id, as when each device and each dashboard is its own client.
 * A device temperature topic therefore matches 1 exact + 5 dashboard subscriptions, plus now and then a
 * {@code #} one: about 6.1 on average.
 */
public final class TopicWorkload {
    public static final int PER_TENANT = 1000;
    public static final int DEVICES_PER_TENANT = 900;

    private final int tenants;

    public TopicWorkload(int subscriptions) {
        if (subscriptions < PER_TENANT || subscriptions % PER_TENANT != 0) {
            throw new IllegalArgumentException("subscriptions must be a multiple of " + PER_TENANT);
        }
        this.tenants = subscriptions / PER_TENANT;
    }

    public int tenants() {
        return tenants;
    }

    /** Adds every subscription of the workload to the index. */
    public void subscribeAll(TopicIndex index) {
        for (int t = 0; t < tenants; t++) {
            String prefix = "tenant/" + t + "/";
            for (int d = 0; d < DEVICES_PER_TENANT; d++) {
                index.subscribe(entry("d" + t + "-" + d, prefix + "device/" + d + "/temp"));
            }
            for (int k = 0; k < 100; k++) {
                String filter;
                if (k < 45) {
                    filter = prefix + "+/" + (k * 20) + "/#";
                } else if (k < 90) {
                    filter = prefix + "device/" + ((k * 20 + 7) % DEVICES_PER_TENANT) + "/#";
                } else if (k < 95) {
                    filter = prefix + "device/+/temp";
                } else {
                    filter = prefix + "+/+/humidity";
                }
                index.subscribe(entry("w" + t + "-" + k, filter));
            }
        }
    }

    /** {@code n} random device temperature topics (each matches about 6 subscriptions). */
    public String[] deviceTopics(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] topics = new String[n];
        for (int i = 0; i < n; i++) {
            topics[i] = "tenant/" + random.nextInt(tenants) + "/device/" + random.nextInt(DEVICES_PER_TENANT)
                    + "/temp";
        }
        return topics;
    }

    /**
     * {@code n} random topics of existing devices that no exact or dashboard subscription takes
     * ({@code tenant/T/device/D/status}): the walk probes every level's {@code +} and {@code #} and mostly finds
     * nothing (a device-level {@code #} subscription matches about one topic in ten).
     */
    public String[] unsubscribedTopics(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] topics = new String[n];
        for (int i = 0; i < n; i++) {
            topics[i] = "tenant/" + random.nextInt(tenants) + "/device/" + random.nextInt(DEVICES_PER_TENANT)
                    + "/status";
        }
        return topics;
    }

    private static SubscriptionEntry entry(String clientId, String filter) {
        return new SubscriptionEntry(clientId, filter, null, 1, false, false, 0, null);
    }
}
