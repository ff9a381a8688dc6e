package dev.tern.cli;

import ch.qos.logback.classic.Level;
import org.slf4j.LoggerFactory;

/** Logging switches of the command line; the format is in logback.xml. */
final class Logging {
    private Logging() {
    }

    /** {@code -v}: DEBUG for everything under dev.tern. */
    static void verbose() {
        if (LoggerFactory.getLogger("dev.tern") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(Level.DEBUG);
        }
    }
}
