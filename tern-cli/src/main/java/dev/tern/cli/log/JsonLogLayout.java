package dev.tern.cli.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import dev.tern.observability.Json;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code log.format: json}: one JSON object per line, for log collectors (Loki, Elasticsearch, CloudWatch, ...):
 * <pre>
 * {"timestamp":"2026-11-25T10:00:00.123Z","level":"INFO","logger":"dev.tern.cli","thread":"main","message":"..."}
 * </pre>
 * {@code mdc} (an object) and {@code exception} (the stack trace as text, causes included) are added when the event
 * has them. The timestamp is UTC with milliseconds, as in the text lines. Strings are escaped as RFC 8259 says
 * (control characters and lone surrogates as {@code \\uXXXX}), so a message with a line break stays on one line.
 */
public final class JsonLogLayout extends LayoutBase<ILoggingEvent> {
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Override
    public String doLayout(ILoggingEvent event) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", TIMESTAMP.format(event.getInstant()));
        line.put("level", event.getLevel().toString());
        line.put("logger", event.getLoggerName());
        line.put("thread", event.getThreadName());
        line.put("message", event.getFormattedMessage());
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null && !mdc.isEmpty()) {
            line.put("mdc", new LinkedHashMap<>(mdc));
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.put("exception", ThrowableProxyUtil.asString(thrown));
        }
        return Json.write(line) + "\n";
    }

    @Override
    public String getContentType() {
        return "application/json";
    }
}
