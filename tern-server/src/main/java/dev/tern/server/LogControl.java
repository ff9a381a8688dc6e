package dev.tern.server;

import dev.tern.server.config.LogConfig;
import java.util.List;

/**
 * Puts a {@code log:} section in force in the logging back end: {@code tern broker} does (logback); an application
 * that embeds the broker keeps its own logging and gives none.
 */
@FunctionalInterface
public interface LogControl {
    /** Applies the levels and format; returns warnings about what could not be applied. */
    List<String> apply(LogConfig log);
}
