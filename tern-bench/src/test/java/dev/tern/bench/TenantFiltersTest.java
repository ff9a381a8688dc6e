package dev.tern.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TenantFiltersTest {

    private static boolean wildcard(String filter) {
        return filter.contains("+") || filter.contains("#");
    }

    @Test
    void aThousandFiltersAreNinetyPercentExactAndAllDifferent() {
        List<String> filters = TenantFilters.of(7, 1000);
        assertThat(filters).hasSize(1000).doesNotHaveDuplicates().allMatch(f -> f.startsWith("tenant/7/"));
        assertThat(filters.stream().filter(TenantFiltersTest::wildcard)).hasSize(100);
        assertThat(filters).contains("tenant/7/device/0/temp", "tenant/7/device/899/temp", "tenant/7/+/20/#",
                "tenant/7/device/+/temp", "tenant/7/+/+/humidity");
    }

    @Test
    void pastAThousandThePatternRepeatsWithOtherFilters() {
        List<String> filters = TenantFilters.of(0, 2500);
        assertThat(new HashSet<>(filters)).hasSize(2500);
        assertThat(filters.stream().filter(TenantFiltersTest::wildcard)).hasSize(200);
        assertThat(filters).contains("tenant/0/device/1000/temp", "tenant/0/device/+/temp/5");
    }

    @Test
    void fewFiltersAreTheExactOnesFirst() {
        assertThat(TenantFilters.of(3, 2)).containsExactly("tenant/3/device/0/temp", "tenant/3/device/1/temp");
    }

    @Test
    void everySubscriberGetsItsTenantWhenAskedForManyFilters() {
        BenchOptions one = BenchOptions.defaults(Scenario.SUB);
        assertThat(one.filtersFor(4)).containsExactly("bench/+");
        BenchOptions many = new BenchOptions(Scenario.SUB, "127.0.0.1", 1883, one.version(), 0, 64, "bench/%i", 0, 5,
                0, 64, one.duration(), 0, 0, 0, one.warmup(), "t", true, false, false, 300, 0, List.of(),
                BenchTransport.PLAIN);
        assertThat(many.filtersFor(4)).hasSize(300).allMatch(f -> f.startsWith("tenant/4/"));
    }

    @Test
    void aTopicPerMessageWithPercentN() {
        BenchOptions options = new BenchOptions(Scenario.PUB, "127.0.0.1", 1883, BenchOptions.defaults(Scenario.PUB)
                .version(), 1, 64, "tenant/%i/device/%n/temp", 2, 0, 0, 64, java.time.Duration.ofSeconds(1), 10, 0,
                0, java.time.Duration.ZERO, "t", true, false, true, 1, 0, List.of(), BenchTransport.PLAIN);
        assertThat(options.topicPerMessage()).isTrue();
        assertThat(options.topicFor(3, 42)).isEqualTo("tenant/3/device/42/temp");
        assertThat(BenchOptions.defaults(Scenario.PUB).topicPerMessage()).isFalse();
    }
}
