package dev.tern.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicFilterTest {

    @ParameterizedTest(name = "valid filter {0}")
    @ValueSource(strings = {"a", "a/b", "#", "+", "a/#", "+/+", "a/+/c", "/", "a//b", "+/#", "sport/tennis/+"})
    void validFilters(String filter) {
        assertThat(TopicFilter.isValidFilter(filter)).isTrue();
    }

    @ParameterizedTest(name = "invalid filter [{0}] [MQTT-4.7.1-1..3]")
    @ValueSource(strings = {"", "a#", "a/#/b", "#/a", "a+", "+a", "a/b+", "sport/tennis#", "##", "a/++"})
    void invalidFilters(String filter) {
        assertThat(TopicFilter.isValidFilter(filter)).isFalse();
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
            "a/b, a/b, true",
            "a/+, a/b, true",
            "a/+, a/b/c, false",
            "a/#, a, true",
            "a/#, a/b/c, true",
            "#, a/b, true",
            "+/+, /x, true",
            "+, /x, false",
            "/+, /x, true",
            "a//b, a//b, true",
            "a/+/b, a//b, true",
            "#, $SYS/x, false",
            "+/x, $SYS/x, false",
            "$SYS/#, $SYS/x, true",
            "a/b, a/c, false",
            "a/b/c, a/b, false",
    })
    void matching(String filter, String topic, boolean expected) {
        assertThat(TopicFilter.matches(filter, topic)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "shared {0}")
    @CsvSource({"$share/g/a/b, g, a/b", "$share/grp/#, grp, #", "$share/g/+/x, g, +/x"})
    void sharedFilters(String raw, String group, String filter) {
        TopicFilter.Parsed p = TopicFilter.parse(raw);
        assertThat(p).isNotNull();
        assertThat(p.shareGroup()).isEqualTo(group);
        assertThat(p.filter()).isEqualTo(filter);
    }

    @ParameterizedTest(name = "bad shared {0}")
    @ValueSource(strings = {"$share/g", "$share//a", "$share/g+/a", "$share/g/", "$share/g/a#"})
    void badSharedFilters(String raw) {
        assertThat(TopicFilter.parse(raw)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "a/b", "/", "$SYS/x"})
    void validTopicNames(String topic) {
        assertThat(TopicFilter.isValidTopicName(topic)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/+", "#", "a/#"})
    void invalidTopicNames(String topic) {
        assertThat(TopicFilter.isValidTopicName(topic)).isFalse();
    }
}
