package dev.tern.cli.log;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.tern.server.config.LogConfig;
import java.nio.charset.StandardCharsets;

/**
 * The encoder of the {@code tern broker} console appender (logback.xml): a text line made with {@code pattern}, or
 * a JSON line ({@link JsonLogLayout}), switched at run time by {@link #format} without stopping the appender, so
 * that a reload never loses or doubles a line.
 */
public final class ConsoleEncoder extends EncoderBase<ILoggingEvent> {
    private String pattern;
    private PatternLayout text;
    private final JsonLogLayout json = new JsonLogLayout();
    private volatile LogConfig.Format format = LogConfig.Format.TEXT;

    /** The text line's logback pattern, set from logback.xml. */
    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    @Override
    public void start() {
        if (pattern == null) {
            addError("no pattern for the text lines");
            return;
        }
        text = new PatternLayout();
        text.setContext(getContext());
        text.setPattern(pattern);
        text.start();
        json.setContext(getContext());
        json.start();
        super.start();
    }

    @Override
    public void stop() {
        if (text != null) {
            text.stop();
        }
        json.stop();
        super.stop();
    }

    /** From the next event on, lines are written in {@code newFormat}. */
    public void format(LogConfig.Format newFormat) {
        this.format = newFormat;
    }

    public LogConfig.Format format() {
        return format;
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        String line = format == LogConfig.Format.JSON ? json.doLayout(event) : text.doLayout(event);
        return line.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}
