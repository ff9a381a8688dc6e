package dev.tern.cli.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import dev.tern.server.config.LogConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Puts a {@code log:} section in force in logback, at start and again at each reload: the root level, the level of
 * each named logger, and the format of the console appender's lines. What an earlier call set and the new one does
 * not name goes back to what logback.xml said (e.g. {@code io.netty} back to WARN), so that removing a line from
 * the file and reloading undoes it.
 */
public final class LogSetup {
    private static final String ROOT = org.slf4j.Logger.ROOT_LOGGER_NAME;

    /** The level each logger had before this class first changed it (null: inherited). */
    private static final Map<String, Level> ORIGINAL = new HashMap<>();
    /** The loggers the section in force sets. */
    private static final Set<String> SET = new HashSet<>();

    private LogSetup() {
    }

    /**
     * Applies {@code config}; returns warnings for what could not be applied (e.g. a logging configuration of the
     * operator's own without Tern's console encoder cannot switch to JSON).
     */
    public static synchronized List<String> apply(LogConfig config) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return List.of("log: the logging back end is " + factory.getClass().getName()
                    + ", not logback: the log section is not applied");
        }
        Map<String, Level> wanted = new HashMap<>();
        if (config.level() != null) {
            wanted.put(ROOT, level(config.level()));
        }
        config.levels().forEach((name, level) -> wanted.put(name, level(level)));
        for (Iterator<String> it = SET.iterator(); it.hasNext(); ) {
            String name = it.next();
            if (!wanted.containsKey(name)) {
                context.getLogger(name).setLevel(ORIGINAL.get(name));
                it.remove();
            }
        }
        wanted.forEach((name, level) -> {
            Logger logger = context.getLogger(name);
            if (!ORIGINAL.containsKey(name)) {
                ORIGINAL.put(name, logger.getLevel());
            }
            logger.setLevel(level);
            SET.add(name);
        });
        List<String> warnings = new ArrayList<>();
        List<ConsoleEncoder> encoders = consoleEncoders(context);
        if (encoders.isEmpty()) {
            if (config.format() != LogConfig.Format.TEXT) {
                warnings.add("log.format: " + config.format().name().toLowerCase(Locale.ROOT) + " is not applied: "
                        + "the logback configuration in use has no Tern console encoder "
                        + "(dev.tern.cli.log.ConsoleEncoder); its own encoder decides the format");
            }
        } else {
            encoders.forEach(e -> e.format(config.format()));
        }
        return warnings;
    }

    /** The format the console lines are written in now, or null when there is no Tern console encoder. */
    public static LogConfig.Format format() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            List<ConsoleEncoder> encoders = consoleEncoders(context);
            return encoders.isEmpty() ? null : encoders.get(0).format();
        }
        return null;
    }

    private static Level level(String name) {
        return Level.toLevel(name.toUpperCase(Locale.ROOT), Level.INFO);
    }

    private static List<ConsoleEncoder> consoleEncoders(LoggerContext context) {
        List<ConsoleEncoder> out = new ArrayList<>();
        for (Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it =
                context.getLogger(ROOT).iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<?> a && a.getEncoder() instanceof ConsoleEncoder e) {
                out.add(e);
            }
        }
        return out;
    }
}
