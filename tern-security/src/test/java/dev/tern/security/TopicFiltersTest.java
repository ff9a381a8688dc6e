package dev.tern.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicFiltersTest {

    private static String[] s(String f) {
        return TopicFilters.split(f);
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "a/b, a/b, true",
        "a/b, a/c, false",
        "a/+, a/b, true",
        "a/+, a/b/c, false",
        "a/+, a, false",
        "a/#, a, true",
        "a/#, a/b/c, true",
        "#, a/b, true",
        "#, $SYS/x, false",
        "+/x, $SYS/x, false",
        "$SYS/#, $SYS/x, true",
        "+/+, /x, true",
        "a//b, a//b, true",
        "+, a/b, false",
    })
    void matches(String filter, String topic, boolean expected) {
        assertThat(TopicFilters.matches(s(filter), s(topic))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource({
        "a/#, a/+/c, true",
        "a/+/c, a/#, false",
        "+/+, a/+, true",
        "a/+, +/+, false",
        "#, +/#, true",
        "a/#, a, true",
        "a/+, a/#, false",
        "#, $SYS/#, false",
        "$SYS/#, $SYS/+, true",
    })
    void covers(String outer, String inner, boolean expected) {
        assertThat(TopicFilters.covers(s(outer), s(inner))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} ∩ {1} = {2}")
    @CsvSource({
        "a/+/#, +/b/c, a/b/c",
        "a/#, +/+, a/+",
        "a/#, a, a",
        "#, x/+, x/+",
        "#, #, #",
        "a/b, a/c, ",
        "a/+, a/b/c, ",
        "+/#, $SYS/x, ",
        "#, $SYS/#, ",
        "$SYS/#, $SYS/+/y, $SYS/+/y",
        "a/+, +/b, a/b",
    })
    void intersect(String a, String b, String expected) {
        String[] r = TopicFilters.intersect(s(a), s(b));
        String[] r2 = TopicFilters.intersect(s(b), s(a));
        if (expected == null) {
            assertThat(r).isNull();
            assertThat(r2).isNull();
        } else {
            assertThat(String.join("/", r)).isEqualTo(expected);
            assertThat(String.join("/", r2)).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @CsvSource({"a/#/b", "a#", "a/b+", "+a/b", "''"})
    void invalidFilters(String f) {
        assertThat(TopicFilters.filterProblem(f)).isNotNull();
    }
}
