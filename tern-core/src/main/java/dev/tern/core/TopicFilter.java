package dev.tern.core;

/**
 * Topic name and filter rules (spec 4.7): validation, shared subscription parsing and matching of one filter
 * against one topic.
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

    /** True when the filter obeys the wildcard rules of spec 4.7.1. */
    public static boolean isValidFilter(String filter) {
        int n = filter.length();
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = filter.charAt(i);
            if (c == '#') {
                if (i != n - 1 || (i > 0 && filter.charAt(i - 1) != '/')) {
                    return false;
                }
            } else if (c == '+') {
                if ((i > 0 && filter.charAt(i - 1) != '/') || (i < n - 1 && filter.charAt(i + 1) != '/')) {
                    return false;
                }
            }
        }
        return true;
    }

    /** True when a topic name is valid for PUBLISH: non-empty, no wildcard characters. */
    public static boolean isValidTopicName(String topic) {
        return !topic.isEmpty() && topic.indexOf('+') < 0 && topic.indexOf('#') < 0;
    }

    public static boolean hasWildcard(String filter) {
        return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
    }

    /** Splits a topic or filter into its levels; empty levels are kept ("a//b" has three). */
    public static String[] levels(String topic) {
        int count = 1;
        for (int i = 0; i < topic.length(); i++) {
            if (topic.charAt(i) == '/') {
                count++;
            }
        }
        String[] out = new String[count];
        int start = 0;
        int k = 0;
        for (int i = 0; i < topic.length(); i++) {
            if (topic.charAt(i) == '/') {
                out[k++] = topic.substring(start, i);
                start = i + 1;
            }
        }
        out[k] = topic.substring(start);
        return out;
    }

    /** Matches one (valid, non-shared) filter against one topic name, with the '$' rule of [MQTT-4.7.2-1]. */
    public static boolean matches(String filter, String topic) {
        String[] f = levels(filter);
        String[] t = levels(topic);
        if (!topic.isEmpty() && topic.charAt(0) == '$' && (f[0].equals("+") || f[0].equals("#"))) {
            return false;
        }
        int i = 0;
        for (; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return i == t.length;
    }
}
