package dev.tern.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.PublishProperties;
import dev.tern.codec.packet.UserProperty;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** mosquitto_sub's output formats: payload, -v and the -F language. */
class OutputFormatTest {
    private static final Instant AT = Instant.parse("2024-03-05T07:08:09.123456789Z");
    private static final Publish MSG = new Publish(false, 1, true, "a/b", 7, PublishProperties.EMPTY,
            "hi".getBytes(StandardCharsets.UTF_8));

    private static String render(String format, Publish p) {
        return OutputFormat.of(format, false).withZone(ZoneOffset.ofHours(1)).render(p, AT);
    }

    @Test
    void payloadAndVerbose() {
        assertThat(OutputFormat.of(null, false).render(MSG, AT)).isEqualTo("hi");
        assertThat(OutputFormat.of(null, true).render(MSG, AT)).isEqualTo("a/b hi");
        Publish empty = Publish.of("e", 0, false, 0, new byte[0]);
        assertThat(OutputFormat.of(null, true).render(empty, AT)).isEqualTo("e (null)");
    }

    @Test
    void messageFields() {
        assertThat(render("%t %p %q %r %m %l %x %X %%", MSG)).isEqualTo("a/b hi 1 1 7 2 6869 6869 %");
    }

    @Test
    void timeFields() {
        assertThat(render("%I", MSG)).isEqualTo("2024-03-05T08:08:09+0100");
        assertThat(render("%U", MSG)).isEqualTo("1709622489.123456789");
        assertThat(render("@Y-@m-@d @H:@M:@S@z @s.@N @@", MSG))
                .isEqualTo("2024-03-05 08:08:09+0100 1709622489.123456789 @");
    }

    @Test
    void widthsFlagsAndEscapes() {
        assertThat(render("[%5t][%-5t][%05l][%.1t][%3.3p][%1p][%.1p]", MSG))
                .isEqualTo("[  a/b][a/b  ][00002][a][ hi][h][hi]");
        assertThat(render("%t\\t%p\\n\\\\\\0\\e", MSG)).isEqualTo("a/b\thi\n\\\0\u001b");
        assertThat(render("%y and @q", MSG)).isEqualTo("%y and @q");
    }

    @Test
    void mqtt5Properties() {
        PublishProperties props = new PublishProperties(1, 60L, 3, "re/ply", "c".getBytes(StandardCharsets.UTF_8),
                "text/plain", List.of(4, 5), List.of(new UserProperty("k", "v"), new UserProperty("k", "w")));
        Publish p = new Publish(false, 0, false, "t", 0, props, new byte[0]);
        assertThat(render("%A|%C|%D|%E|%F|%P|%R|%S", p)).isEqualTo("3|text/plain|c|60|1|k:v k:w|re/ply|4,5");
        assertThat(render("%C|%P|%S", MSG)).isEqualTo("||");
    }

    @Test
    void json() {
        assertThat(render("%j", MSG)).isEqualTo("{\"tst\":\"2024-03-05T08:08:09.123456+0100\",\"topic\":\"a/b\","
                + "\"qos\":1,\"retain\":1,\"payloadlen\":2,\"payload\":\"hi\"}");
        PublishProperties props = new PublishProperties(null, null, null, null, null, "ct", List.of(),
                List.of(new UserProperty("k", "v")));
        Publish p = new Publish(false, 0, false, "t", 0, props, "\"\n".getBytes(StandardCharsets.UTF_8));
        assertThat(render("%j", p)).endsWith("\"payloadlen\":2,\"properties\":{\"content-type\":\"ct\","
                + "\"user-properties\":{\"k\":\"v\"}},\"payload\":\"\\\"\\n\"}");
    }
}
