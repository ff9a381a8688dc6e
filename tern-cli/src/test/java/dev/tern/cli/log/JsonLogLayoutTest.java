package dev.tern.cli.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One JSON object per line, read back by an independent parser: escaping, MDC, exceptions. */
class JsonLogLayoutTest {
    private final LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();

    private LoggingEvent event(String message, Throwable thrown, Object... args) {
        LoggingEvent e = new LoggingEvent("fqcn", context.getLogger("dev.tern.core.Test"), Level.WARN, message,
                thrown, args);
        e.setThreadName("tern-io-1");
        e.setInstant(Instant.parse("2026-11-25T10:00:00.123456Z"));
        return e;
    }

    private static String layout(LoggingEvent e) {
        JsonLogLayout layout = new JsonLogLayout();
        layout.start();
        return layout.doLayout(e);
    }

    @Test
    void oneLineWithTheFieldsInOrder() {
        String line = layout(event("client {} said \"hi\"\n\tand\u0001 \\ left \ud800 é", null, "c-1"));
        assertThat(line).endsWith("}\n");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n", "\r", "\t", "\u0001", "\ud800");
        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
        assertThat(o.keySet()).containsExactly("timestamp", "level", "logger", "thread", "message");
        assertThat(o.get("timestamp").getAsString()).isEqualTo("2026-11-25T10:00:00.123Z");
        assertThat(o.get("level").getAsString()).isEqualTo("WARN");
        assertThat(o.get("logger").getAsString()).isEqualTo("dev.tern.core.Test");
        assertThat(o.get("thread").getAsString()).isEqualTo("tern-io-1");
        assertThat(o.get("message").getAsString()).isEqualTo("client c-1 said \"hi\"\n\tand\u0001 \\ left \ud800 é");
    }

    @Test
    void mdcAndExceptionWhenPresent() {
        LoggingEvent e = event("failed", new IllegalStateException("outer", new java.io.IOException("inner")));
        e.setMDCPropertyMap(Map.of("clientId", "sensor-1"));
        JsonObject o = JsonParser.parseString(layout(e)).getAsJsonObject();
        assertThat(o.keySet()).containsExactly("timestamp", "level", "logger", "thread", "message", "mdc",
                "exception");
        assertThat(o.getAsJsonObject("mdc").get("clientId").getAsString()).isEqualTo("sensor-1");
        assertThat(o.get("exception").getAsString()).startsWith("java.lang.IllegalStateException: outer")
                .contains("\tat dev.tern.cli.log.JsonLogLayoutTest", "Caused by: java.io.IOException: inner");
    }
}
