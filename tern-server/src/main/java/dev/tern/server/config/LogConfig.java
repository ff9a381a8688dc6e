package dev.tern.server.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code log:} section: levels and the format of the log. The {@code tern broker} command applies it (at start
 * and at every reload); an application that embeds the broker keeps its own logging configuration and this section
 * has no effect there.
 *
 * @param level {@code log.level}, the root level (trace, debug, info, warn, error, off); null = as the logging
 *     configuration says (info for {@code tern broker})
 * @param levels {@code log.levels}, a level per logger or package name, e.g. {@code dev.tern.core: debug}; more
 *     specific names win
 * @param format {@code log.format}: one line of text per event, or one JSON object per line
 */
public record LogConfig(String level, Map<String, String> levels, Format format) {

    /** {@code log.format}. */
    public enum Format { TEXT, JSON }

    /** The level names the keys accept, lower case. */
    public static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

    public LogConfig {
        Objects.requireNonNull(format, "format");
        levels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(levels));
        if (level != null && !LEVELS.contains(level)) {
            throw new IllegalArgumentException("level must be one of " + LEVELS + ", was " + level);
        }
        levels.forEach((logger, l) -> {
            if (!LEVELS.contains(l)) {
                throw new IllegalArgumentException("level of " + logger + " must be one of " + LEVELS + ", was " + l);
            }
        });
    }

    /** Nothing set: the levels of the logging configuration, text lines. */
    public static LogConfig defaults() {
        return new LogConfig(null, Map.of(), Format.TEXT);
    }

    public LogConfig withFormat(Format newFormat) {
        return new LogConfig(level, levels, newFormat);
    }

    /** The same with {@code logger} at {@code newLevel} (replacing what {@code log.levels} said of it). */
    public LogConfig withLevel(String logger, String newLevel) {
        Map<String, String> m = new LinkedHashMap<>(levels);
        m.put(logger, newLevel);
        return new LogConfig(level, m, format);
    }
}
