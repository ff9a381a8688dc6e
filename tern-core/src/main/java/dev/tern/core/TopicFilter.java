package dev.tern.core;

import dev.tern.codec.wire.Topics;

/**
 * Topic filters as clients write them: shared subscription parsing ({@code $share/group/filter}), on top of the
 * wire rules in {@link Topics}.
 */
public final class TopicFilter {
    public static final String SHARE_PREFIX = "$share/";

    private TopicFilter() {
    }

    /** A parsed filter: the share group (null when not shared) and the filter proper. */
    public record Parsed(String shareGroup, String filter) {
    }

    /**
     * Parses and validates a filter as written in SUBSCRIBE/UNSUBSCRIBE; null when it is invalid: empty, '#'
     * not last or not alone in its level, '+' not alone in its level, or a malformed {@code $share/group/filter}.
     */
    public static Parsed parse(String raw) {
        if (raw.startsWith(SHARE_PREFIX)) {
            int slash = raw.indexOf('/', SHARE_PREFIX.length());
            if (slash < 0) {
                return null;
            }
            String group = raw.substring(SHARE_PREFIX.length(), slash);
            String filter = raw.substring(slash + 1);
            if (group.isEmpty() || group.indexOf('+') >= 0 || group.indexOf('#') >= 0 || !isValidFilter(filter)) {
                return null;
            }
            return new Parsed(group, filter);
        }
        return isValidFilter(raw) ? new Parsed(null, raw) : null;
    }

    /** See {@link Topics#isValidFilter}. */
    public static boolean isValidFilter(String filter) {
        return Topics.isValidFilter(filter);
    }

    /** See {@link Topics#isValidTopicName}. */
    public static boolean isValidTopicName(String topic) {
        return Topics.isValidTopicName(topic);
    }

    /** See {@link Topics#levels}. */
    public static String[] levels(String topic) {
        return Topics.levels(topic);
    }

    /** See {@link Topics#matches}. */
    public static boolean matches(String filter, String topic) {
        return Topics.matches(filter, topic);
    }
}
