package dev.tern.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigValuesTest {
    @ParameterizedTest
    @CsvSource({"10s,10000", "5m,300000", "500ms,500", "2h,7200000", "1d,86400000", "30,30000", "0,0",
        "10 s,10000", "10S,10000"})
    void durations(String text, long millis) {
        assertThat(ConfigValues.parseDuration(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "10x", "-1s", "1.5s", "ten", "10 seconds", "99999999999999999999"})
    void badDurations(String text) {
        assertThatThrownBy(() -> ConfigValues.parseDuration(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"2MB,2097152", "512KB,524288", "1GB,1073741824", "100,100", "100B,100", "1kb,1024", "4 K,4096"})
    void sizes(String text, long bytes) {
        assertThat(ConfigValues.parseSize(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MB", "2XB", "-1", "1.5MB", "9999999999GB"})
    void badSizes(String text) {
        assertThatThrownBy(() -> ConfigValues.parseSize(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"10000,10s", "500,500ms", "300000,5m", "7200000,2h", "0,0s", "86400000,1d"})
    void formatDurations(long millis, String text) {
        assertThat(ConfigValues.formatDuration(Duration.ofMillis(millis))).isEqualTo(text);
    }
}
