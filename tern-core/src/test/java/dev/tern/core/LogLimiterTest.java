package dev.tern.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogLimiterTest {
    @Test
    void allowsABurstPerSecondThenCountsWhatItLeftOut() {
        LogLimiter limiter = new LogLimiter(3);
        int allowed = 0;
        // a tight loop stays within one or two seconds: at most two windows' worth gets through
        for (int i = 0; i < 1000; i++) {
            if (limiter.allow()) {
                allowed++;
            }
        }
        assertThat(allowed).isBetween(3, 6);
        String note = limiter.suppressedNote();
        assertThat(note).matches(" \\(\\d+ similar lines left out\\)");
        assertThat(Integer.parseInt(note.replaceAll("\\D", ""))).isEqualTo(1000 - allowed);
        assertThat(limiter.suppressedNote()).as("counted once").isEmpty();
    }
}
