package dev.tern.server.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the value formats of the configuration file, shared by the file loader and the command line.
 * Each throws {@link IllegalArgumentException} with a short reason; the caller adds the key and line.
 */
public final class ConfigValues {
    /** What a duration may look like, for messages. */
    public static final String DURATION_FORMS = "a duration like 500ms, 10s, 5m, 2h, 1d or plain seconds";
    /** What a size may look like, for messages. */
    public static final String SIZE_FORMS = "a size like 512KB, 2MB, 1GB or plain bytes";

    private static final Pattern AMOUNT = Pattern.compile("(\\d[\\d_]*)\\s?([A-Za-z]*)");

    private ConfigValues() {
    }

    /** A whole number; {@code _} may group digits ({@code 2_000_000}). */
    public static long parseLong(String text) {
        String s = text.strip().replace("_", "");
        if (s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.isEmpty() || !(s.chars().allMatch(Character::isDigit) || (s.charAt(0) == '-' && s.length() > 1
                && s.substring(1).chars().allMatch(Character::isDigit)))) {
            throw new IllegalArgumentException("not a whole number");
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("too large");
        }
    }

    /**
     * A duration: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 2h}, {@code 1d}, or a plain number of seconds.
     * Never negative.
     */
    public static Duration parseDuration(String text) {
        Matcher m = AMOUNT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not " + DURATION_FORMS);
        }
        long n;
        try {
            n = Long.parseLong(m.group(1).replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("too large");
        }
        try {
            switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "":
                case "s":
                    return Duration.ofSeconds(n);
                case "ms":
                    return Duration.ofMillis(n);
                case "m":
                    return Duration.ofMinutes(n);
                case "h":
                    return Duration.ofHours(n);
                case "d":
                    return Duration.ofDays(n);
                default:
                    throw new IllegalArgumentException("unknown unit '" + m.group(2) + "' (use ms, s, m, h or d)");
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("too large");
        }
    }

    /** A size in bytes: {@code 512KB}, {@code 2MB}, {@code 1GB} (1KB = 1024 bytes), or plain bytes. */
    public static long parseSize(String text) {
        Matcher m = AMOUNT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not " + SIZE_FORMS);
        }
        long n;
        try {
            n = Long.parseLong(m.group(1).replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("too large");
        }
        long unit;
        switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "":
            case "B":
                unit = 1;
                break;
            case "KB":
            case "K":
                unit = 1024;
                break;
            case "MB":
            case "M":
                unit = 1024L * 1024;
                break;
            case "GB":
            case "G":
                unit = 1024L * 1024 * 1024;
                break;
            default:
                throw new IllegalArgumentException("unknown unit '" + m.group(2) + "' (use B, KB, MB or GB)");
        }
        try {
            return Math.multiplyExact(n, unit);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("too large");
        }
    }

    /** Writes a duration the way the file accepts it: {@code 10s}, {@code 500ms}, {@code 5m}. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s != 0 && s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s != 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s != 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
