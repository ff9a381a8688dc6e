package dev.tern.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Mosquitto ACL file, read unchanged.
 *
 * <pre>
 * # comment
 * topic [read|write|readwrite|deny] &lt;filter&gt;     # no access word: readwrite
 * user &lt;username&gt;                                 # the topic lines below are this user's
 * pattern [read|write|readwrite|deny] &lt;filter&gt;   # for every client; a level %u or %c is replaced
 * </pre>
 *
 * Rules, as Mosquitto has them:
 * <ul>
 *   <li>{@code topic} lines before the first {@code user} line apply to anonymous clients (no username); after a
 *       {@code user} line, to that user only. {@code pattern} lines apply to every client wherever they stand.</li>
 *   <li>With an access word, the rest of the line is the filter (it may contain spaces); a line with two or more
 *       words after {@code topic} whose first is not an access word is an error.</li>
 *   <li>{@code %u} and {@code %c} are replaced only where they are a whole level ({@code devices/%c/#}). A
 *       pattern with {@code %u} never applies to an anonymous client.</li>
 *   <li>Default deny. {@code deny} rules are checked first and win over any grant (here across the client's own
 *       rules and the patterns together; Mosquitto checks user rules before patterns). {@code deny} refuses both
 *       reading and writing.</li>
 *   <li>Wildcard-injection guard: a client whose username or client id contains {@code +} or {@code #} gets no
 *       grant from any pattern (Mosquitto refuses such a client all pattern access), and a value containing
 *       {@code /} or empty never fills a {@code %u}/{@code %c} level of a grant, so no client can reach into
 *       another's levels through its name. In a {@code deny} pattern such a value matches any level instead, so a
 *       name never escapes a deny.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class AclFile {

    /** What a rule grants. */
    enum Access {
        READ, WRITE, READWRITE, DENY;

        boolean grantsRead() {
            return this == READ || this == READWRITE;
        }

        boolean grantsWrite() {
            return this == WRITE || this == READWRITE;
        }

        static Access byWord(String word) {
            switch (word) {
                case "read":
                    return READ;
                case "write":
                    return WRITE;
                case "readwrite":
                    return READWRITE;
                case "deny":
                    return DENY;
                default:
                    return null;
            }
        }
    }

    /** One {@code topic} or {@code pattern} line. */
    record Rule(Access access, String filter, String[] levels, boolean substitutes, int line) {
    }

    private final String source;
    private final List<Rule> anonymous;
    private final Map<String, List<Rule>> users;
    private final List<Rule> patterns;

    private AclFile(String source, List<Rule> anonymous, Map<String, List<Rule>> users, List<Rule> patterns) {
        this.source = source;
        this.anonymous = List.copyOf(anonymous);
        Map<String, List<Rule>> u = new LinkedHashMap<>();
        users.forEach((k, v) -> u.put(k, List.copyOf(v)));
        this.users = Collections.unmodifiableMap(u);
        this.patterns = List.copyOf(patterns);
    }

    public static AclFile load(Path file) throws IOException {
        return parse(file.toString(), new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    }

    /**
     * Parses ACL text.
     *
     * @param source the name used in error messages, usually the file's path
     */
    public static AclFile parse(String source, String content) throws FileFormatException {
        List<Rule> anonymous = new ArrayList<>();
        Map<String, List<Rule>> users = new LinkedHashMap<>();
        List<Rule> patterns = new ArrayList<>();
        List<Rule> current = anonymous;
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] dirAndRest = splitFirst(line);
            String directive = dirAndRest[0];
            String rest = dirAndRest[1];
            switch (directive) {
                case "user":
                    if (rest.isEmpty()) {
                        throw new FileFormatException(source, lineNo, "'user' without a username");
                    }
                    current = users.computeIfAbsent(rest, k -> new ArrayList<>());
                    break;
                case "topic":
                    current.add(rule(source, lineNo, directive, rest, false));
                    break;
                case "pattern":
                    patterns.add(rule(source, lineNo, directive, rest, true));
                    break;
                default:
                    throw new FileFormatException(source, lineNo, "unknown directive '" + directive
                            + "' (expected topic, pattern or user)");
            }
        }
        return new AclFile(source, anonymous, users, patterns);
    }

    private static Rule rule(String source, int lineNo, String directive, String rest, boolean pattern)
            throws FileFormatException {
        if (rest.isEmpty()) {
            throw new FileFormatException(source, lineNo, "'" + directive + "' without a topic");
        }
        String[] accessAndTopic = splitFirst(rest);
        Access access;
        String filter;
        if (accessAndTopic[1].isEmpty()) {
            Access only = Access.byWord(accessAndTopic[0]);
            if (only != null) {
                throw new FileFormatException(source, lineNo, "'" + directive + " " + accessAndTopic[0]
                        + "' without a topic");
            }
            access = Access.READWRITE;
            filter = accessAndTopic[0];
        } else {
            access = Access.byWord(accessAndTopic[0]);
            if (access == null) {
                throw new FileFormatException(source, lineNo, "unknown access '" + accessAndTopic[0]
                        + "' (expected read, write, readwrite or deny)");
            }
            filter = accessAndTopic[1];
        }
        String problem = TopicFilters.filterProblem(filter);
        if (problem != null) {
            throw new FileFormatException(source, lineNo, "invalid topic '" + filter + "': " + problem);
        }
        String[] levels = TopicFilters.split(filter);
        boolean substitutes = false;
        if (pattern) {
            for (String level : levels) {
                substitutes |= level.equals("%u") || level.equals("%c");
            }
        }
        return new Rule(access, filter, levels, substitutes, lineNo);
    }

    private static String[] splitFirst(String s) {
        int i = 0;
        while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return new String[] {s.substring(0, i), s.substring(i).strip()};
    }

    /** May this client publish to the concrete {@code topic}? */
    public boolean canPublish(String clientId, String username, String topic) {
        return TopicFilters.isTopicName(topic) && check(clientId, username, TopicFilters.split(topic), true);
    }

    /** May a message on the concrete {@code topic} be delivered to this client? */
    public boolean canRead(String clientId, String username, String topic) {
        return TopicFilters.isTopicName(topic) && check(clientId, username, TopicFilters.split(topic), false);
    }

    /**
     * May this client subscribe to {@code filter}? {@link SubscribeCheck#DENIED} when no topic the filter matches
     * can be read: no read grant intersects the filter, or every intersection lies wholly inside one deny rule.
     * {@code $share/<group>/<filter>} is checked as {@code <filter>}.
     */
    public SubscribeCheck canSubscribe(String clientId, String username, String filter) {
        if (filter == null) {
            return SubscribeCheck.DENIED;
        }
        String real = filter;
        if (real.startsWith("$share/")) {
            int slash = real.indexOf('/', "$share/".length());
            if (slash < 0) {
                return SubscribeCheck.DENIED;
            }
            real = real.substring(slash + 1);
        }
        if (TopicFilters.filterProblem(real) != null) {
            return SubscribeCheck.DENIED;
        }
        String[] wanted = TopicFilters.split(real);
        List<String[]> denies = new ArrayList<>();
        List<String[]> grants = new ArrayList<>();
        collect(clientId, username, false, denies, grants);
        for (String[] grant : grants) {
            String[] readable = TopicFilters.intersect(grant, wanted);
            if (readable == null) {
                continue;
            }
            boolean denied = false;
            for (String[] deny : denies) {
                if (TopicFilters.covers(deny, readable)) {
                    denied = true;
                    break;
                }
            }
            if (!denied) {
                return SubscribeCheck.ALLOWED;
            }
        }
        return SubscribeCheck.DENIED;
    }

    private boolean check(String clientId, String username, String[] topic, boolean write) {
        List<String[]> denies = new ArrayList<>();
        List<String[]> grants = new ArrayList<>();
        collect(clientId, username, write, denies, grants);
        for (String[] deny : denies) {
            if (TopicFilters.matches(deny, topic)) {
                return false;
            }
        }
        for (String[] grant : grants) {
            if (TopicFilters.matches(grant, topic)) {
                return true;
            }
        }
        return false;
    }

    /** The deny filters and the grant filters (for writing or reading) that apply to this client. */
    private void collect(String clientId, String username, boolean write, List<String[]> denies,
                         List<String[]> grants) {
        List<Rule> own = username == null ? anonymous : users.getOrDefault(username, List.of());
        for (Rule r : own) {
            if (r.access() == Access.DENY) {
                denies.add(r.levels());
            } else if (write ? r.access().grantsWrite() : r.access().grantsRead()) {
                grants.add(r.levels());
            }
        }
        boolean dangerous = injects(username) || injects(clientId);
        for (Rule r : patterns) {
            boolean deny = r.access() == Access.DENY;
            if (!deny && !(write ? r.access().grantsWrite() : r.access().grantsRead())) {
                continue;
            }
            if (!deny && dangerous) {
                continue;
            }
            String[] levels = substitute(r, clientId, username, deny);
            if (levels != null) {
                (deny ? denies : grants).add(levels);
            }
        }
    }

    private static boolean injects(String name) {
        return name != null && (name.indexOf('+') >= 0 || name.indexOf('#') >= 0);
    }

    /** A pattern's levels for this client, or null when it does not apply to it. */
    private static String[] substitute(Rule r, String clientId, String username, boolean deny) {
        if (!r.substitutes()) {
            return r.levels();
        }
        String[] out = r.levels().clone();
        for (int i = 0; i < out.length; i++) {
            String value;
            if (out[i].equals("%u")) {
                if (username == null) {
                    return null;
                }
                value = username;
            } else if (out[i].equals("%c")) {
                if (clientId == null) {
                    return null;
                }
                value = clientId;
            } else {
                continue;
            }
            boolean unusable = value.isEmpty() || value.indexOf('/') >= 0 || value.indexOf('+') >= 0
                    || value.indexOf('#') >= 0;
            if (unusable) {
                if (!deny) {
                    return null;
                }
                value = "+";
            }
            out[i] = value;
        }
        return out;
    }

    /** The users that have a {@code user} section. */
    public Set<String> users() {
        return users.keySet();
    }

    /** How many {@code topic} and {@code pattern} rules the file has. */
    public int ruleCount() {
        return anonymous.size() + patterns.size() + users.values().stream().mapToInt(List::size).sum();
    }

    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "AclFile[" + source + ", " + users.size() + " users, " + ruleCount() + " rules]";
    }
}
