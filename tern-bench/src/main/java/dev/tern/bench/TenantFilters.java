package dev.tern.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The subscriptions of one tenant of a multi-tenant IoT deployment, for footprint runs ({@code --filters}): the same
 * mix as the topic index benchmarks (tern-benchmarks' {@code TopicWorkload}), so that the broker's figures and the
 * index's own compare. Of every 1,000 filters of tenant T:
 * <ul>
 *   <li>900 exact, one per device: {@code tenant/T/device/D/temp};</li>
 *   <li>45 {@code tenant/T/+/D/#}, 45 {@code tenant/T/device/D/#}, 5 {@code tenant/T/device/+/temp} and 5
 *       {@code tenant/T/+/+/humidity}: 100 with wildcards (10%). One client holds each filter once, so the
 *       dashboard and humidity filters but the first of each get one more level ({@code .../temp/1}).</li>
 * </ul>
 * Past 1,000 the pattern repeats with device numbers 1,000 higher; below, it is cut short (exact filters first).
 */
final class TenantFilters {
    static final int BLOCK = 1000;
    static final int DEVICES_PER_BLOCK = 900;

    private TenantFilters() {
    }

    /** The first {@code count} filters of tenant {@code tenant}, all different. */
    static List<String> of(int tenant, int count) {
        List<String> filters = new ArrayList<>(count);
        String prefix = "tenant/" + tenant + "/";
        for (int block = 0; filters.size() < count; block++) {
            int base = block * BLOCK;
            for (int d = 0; d < DEVICES_PER_BLOCK && filters.size() < count; d++) {
                filters.add(prefix + "device/" + (base + d) + "/temp");
            }
            for (int k = 0; k < 100 && filters.size() < count; k++) {
                filters.add(wildcard(prefix, base, k));
            }
        }
        return filters;
    }

    private static String wildcard(String prefix, int base, int k) {
        if (k < 45) {
            return prefix + "+/" + (base + k * 20) + "/#";
        }
        if (k < 90) {
            return prefix + "device/" + (base + (k * 20 + 7) % DEVICES_PER_BLOCK) + "/#";
        }
        // five dashboards and five humidity views per block; a client has each filter once, so all but the first
        // get a level that tells them apart (as many subscriptions, with the same walk through the index)
        int n = base / BLOCK * 5 + k % 5;
        String filter = k < 95 ? "device/+/temp" : "+/+/humidity";
        return prefix + filter + (n == 0 ? "" : "/" + n);
    }
}
