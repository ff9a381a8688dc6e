package dev.tern.security;

import java.util.ArrayList;
import java.util.List;

/**
 * MQTT topic-filter arithmetic on split levels ({@code "a/+/#"} is {@code ["a", "+", "#"]}): validity,
 * matching, containment ({@link #covers}) and intersection. Wildcards in the first level never match a topic
 * that starts with {@code $} [MQTT-4.7.2-1].
 */
final class TopicFilters {
    private TopicFilters() {
    }

    static String[] split(String topicOrFilter) {
        return topicOrFilter.split("/", -1);
    }

    /** Why {@code filter} is not a valid topic filter, or null when it is. */
    static String filterProblem(String filter) {
        if (filter.isEmpty()) {
            return "empty topic filter";
        }
        String[] levels = split(filter);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.indexOf('#') >= 0 && (!level.equals("#") || i != levels.length - 1)) {
                return "'#' must be a whole level and the last one";
            }
            if (level.indexOf('+') >= 0 && !level.equals("+")) {
                return "'+' must be a whole level";
            }
        }
        if (filter.indexOf('\0') >= 0) {
            return "topic filter contains NUL";
        }
        return null;
    }

    /** A concrete topic name: non-empty, no wildcards. */
    static boolean isTopicName(String topic) {
        return topic != null && !topic.isEmpty() && topic.indexOf('+') < 0 && topic.indexOf('#') < 0;
    }

    static boolean isWildcard(String level) {
        return level.equals("+") || level.equals("#");
    }

    private static boolean isDollar(String level) {
        return level.startsWith("$");
    }

    /** Does filter {@code outer} match every topic that filter (or topic) {@code inner} matches? */
    static boolean covers(String[] outer, String[] inner) {
        if (isWildcard(outer[0]) && !isWildcard(inner[0]) && isDollar(inner[0])) {
            return false;
        }
        int i = 0;
        while (true) {
            if (i < outer.length && outer[i].equals("#")) {
                return true;
            }
            if (i == inner.length) {
                return i == outer.length;
            }
            if (i == outer.length) {
                return false;
            }
            String o = outer[i];
            String n = inner[i];
            if (n.equals("#")) {
                return false;
            }
            if (!o.equals("+")) {
                if (n.equals("+") || !o.equals(n)) {
                    return false;
                }
            }
            i++;
        }
    }

    /** Does {@code filter} match the concrete {@code topic}? */
    static boolean matches(String[] filter, String[] topic) {
        return covers(filter, topic);
    }

    /**
     * The filter that matches exactly the topics both {@code a} and {@code b} match, or null when no topic matches
     * both.
     */
    static String[] intersect(String[] a, String[] b) {
        if ((isWildcard(a[0]) && !isWildcard(b[0]) && isDollar(b[0]))
                || (isWildcard(b[0]) && !isWildcard(a[0]) && isDollar(a[0]))) {
            return null;
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        while (true) {
            if (i < a.length && a[i].equals("#")) {
                return concat(out, b, i);
            }
            if (i < b.length && b[i].equals("#")) {
                return concat(out, a, i);
            }
            if (i == a.length && i == b.length) {
                return out.toArray(String[]::new);
            }
            if (i == a.length || i == b.length) {
                return null;
            }
            String x = a[i];
            String y = b[i];
            if (x.equals("+")) {
                out.add(y);
            } else if (y.equals("+") || x.equals(y)) {
                out.add(x);
            } else {
                return null;
            }
            i++;
        }
    }

    private static String[] concat(List<String> head, String[] tail, int from) {
        List<String> out = new ArrayList<>(head);
        for (int j = from; j < tail.length; j++) {
            out.add(tail[j]);
        }
        if (out.isEmpty()) {
            // "#" against "#" (or against nothing left): every topic
            out.add("#");
        }
        return out.toArray(String[]::new);
    }
}
