package dev.tern.codec.wire;

/**
 * Topic name and topic filter rules of spec 4.7: validation and matching of one filter against one topic name.
 * Shared by the broker, the bench tool and tests.
 */
public final class Topics {
    private Topics() {
    }

    /** True when the filter obeys the wildcard rules of spec 4.7.1 ([MQTT-4.7.1-1..3]) and is not empty. */
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

    /** True when a topic name is valid for PUBLISH: non-empty, no wildcard characters [MQTT-3.3.2-2]. */
    public static boolean isValidTopicName(String topic) {
        return !topic.isEmpty() && topic.indexOf('+') < 0 && topic.indexOf('#') < 0;
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

    /**
     * Matches one valid, non-shared filter against one topic name, with the rule that a leading wildcard does not
     * match a topic starting with '$' [MQTT-4.7.2-1].
     */
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
