package dev.tern.server.config;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Environment variables that override the configuration file, for containers: {@code TERN_<SECTION>_<KEY>} with
 * the key's dashes as underscores, list items by index. Examples: {@code TERN_MQTT_MAX_KEEPALIVE=30},
 * {@code TERN_LISTENERS_0_BIND=0.0.0.0:1883}, {@code TERN_LISTENERS_1_TLS_CERT=/run/secrets/cert.pem},
 * {@code TERN_AUTH_ALLOW_ANONYMOUS=false}, {@code TERN_SYS_INTERVAL=0}, {@code TERN_LISTENERS_0_TLS_PROTOCOLS=[TLSv1.3]}.
 *
 * <p>The values go into the YAML tree before it is read, so they are validated exactly like the file, and an
 * error names the variable. A {@code TERN_} variable that names no setting is an error too (a typo must not be
 * ignored), except the launcher's own {@code TERN_JAVA_OPTS} and {@code tern ctl}'s {@code TERN_TOKEN}.
 */
final class EnvOverrides {
    static final String PREFIX = "TERN_";
    /** The launcher's JVM options, and {@code tern ctl}'s token: variables of the tools, not settings. */
    private static final Set<String> NOT_SETTINGS = Set.of("TERN_JAVA_OPTS", "TERN_TOKEN");

    private EnvOverrides() {
    }

    /** Whether a TERN_ variable is a tool's own rather than a setting. */
    private static boolean isSetting(String name) {
        return name.startsWith(PREFIX) && !NOT_SETTINGS.contains(name);
    }

    /** The TERN_ variables of an environment that are settings, sorted for a stable order. */
    static Map<String, String> settings(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        env.forEach((k, v) -> {
            if (isSetting(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Applies the overrides to the document's root mapping (created when the file was empty). */
    static MappingNode apply(MappingNode root, Map<String, String> overrides) {
        MappingNode top = root != null ? root : new MappingNode(Tag.MAP, new ArrayList<>(),
                DumperOptions.FlowStyle.BLOCK);
        overrides.forEach((name, value) -> apply(top, name, value));
        return top;
    }

    private static void apply(MappingNode top, String name, String value) {
        List<String> tokens = List.of(name.substring(PREFIX.length()).toLowerCase(Locale.ROOT).split("_"));
        Mark mark = new Mark("environment " + name, 0, -2, 0, new int[0], 0);
        Match section = match(tokens, 0, ConfigLoader.TOP_KEYS, name);
        if (section.key.equals("sys-interval")) {
            end(section, tokens, name);
            put(top, section.key, valueNode(value, mark));
            return;
        }
        if (section.key.equals("listeners")) {
            if (section.next >= tokens.size() || !tokens.get(section.next).matches("\\d{1,3}")) {
                throw unknown(name, "listeners need an index, e.g. TERN_LISTENERS_0_BIND");
            }
            int index = Integer.parseInt(tokens.get(section.next));
            MappingNode listener = listenerAt(top, index, name);
            Match key = match(tokens, section.next + 1, ConfigLoader.LISTENER_KEYS, name);
            if (key.key.equals("tls")) {
                Match tlsKey = match(tokens, key.next, ConfigLoader.TLS_KEYS, name);
                end(tlsKey, tokens, name);
                put(mapping(listener, "tls"), tlsKey.key, valueNode(value, mark));
            } else {
                end(key, tokens, name);
                put(listener, key.key, valueNode(value, mark));
            }
            return;
        }
        if (section.key.equals("http") && section.next < tokens.size() && tokens.get(section.next).equals("tls")) {
            Match tlsKey = match(tokens, section.next + 1, ConfigLoader.HTTP_TLS_KEYS, name);
            end(tlsKey, tokens, name);
            put(mapping(mapping(top, "http"), "tls"), tlsKey.key, valueNode(value, mark));
            return;
        }
        if (section.key.equals("auth") && section.next < tokens.size() && tokens.get(section.next).equals("jwt")) {
            Match jwtKey = match(tokens, section.next + 1, ConfigLoader.JWT_KEYS, name);
            end(jwtKey, tokens, name);
            put(mapping(mapping(top, "auth"), "jwt"), jwtKey.key, valueNode(value, mark));
            return;
        }
        List<String> keys = switch (section.key) {
            case "mqtt" -> ConfigLoader.MQTT_KEYS;
            case "auth" -> ConfigLoader.AUTH_KEYS;
            case "limits" -> ConfigLoader.LIMITS_KEYS;
            case "storage" -> ConfigLoader.STORAGE_KEYS;
            case "http" -> ConfigLoader.HTTP_KEYS;
            case "log" -> ConfigLoader.LOG_KEYS;
            default -> throw unknown(name, "'" + section.key + "' has no keys to set");
        };
        Match key = match(tokens, section.next, keys, name);
        end(key, tokens, name);
        put(mapping(top, section.key), key.key, valueNode(value, mark));
    }

    private record Match(String key, int next) {
    }

    /** The longest key of {@code keys} that the tokens from {@code from} spell (dashes as underscores). */
    private static Match match(List<String> tokens, int from, List<String> keys, String name) {
        for (int end = tokens.size(); end > from; end--) {
            String candidate = String.join("-", tokens.subList(from, end));
            if (keys.contains(candidate)) {
                return new Match(candidate, end);
            }
        }
        throw unknown(name, "expected one of " + String.join(", ", keys) + " at '"
                + String.join("_", tokens.subList(Math.min(from, tokens.size()), tokens.size()))
                        .toUpperCase(Locale.ROOT) + "'");
    }

    private static void end(Match m, List<String> tokens, String name) {
        if (m.next != tokens.size()) {
            throw unknown(name, "'" + m.key + "' is a single value; nothing can follow it");
        }
    }

    private static ConfigException unknown(String name, String why) {
        return new ConfigException("environment " + name + ": not a Tern setting: " + why
                + " (the scheme: TERN_<SECTION>_<KEY>, e.g. TERN_MQTT_MAX_KEEPALIVE, TERN_LISTENERS_0_BIND)");
    }

    private static MappingNode listenerAt(MappingNode top, int index, String name) {
        Node listeners = get(top, "listeners");
        SequenceNode seq;
        if (listeners instanceof SequenceNode s) {
            seq = s;
        } else if (listeners == null) {
            seq = new SequenceNode(Tag.SEQ, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
            put(top, "listeners", seq);
        } else {
            throw new ConfigException("environment " + name + ": the file's 'listeners' is not a list");
        }
        List<Node> items = seq.getValue();
        if (index > items.size()) {
            throw new ConfigException("environment " + name + ": listener " + index + " does not exist (there are "
                    + items.size() + "; the next one is " + items.size() + ")");
        }
        if (index == items.size()) {
            items.add(new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK));
        }
        if (!(items.get(index) instanceof MappingNode m)) {
            throw new ConfigException("environment " + name + ": listener " + index + " in the file is not a mapping");
        }
        return m;
    }

    private static MappingNode mapping(MappingNode parent, String key) {
        Node n = get(parent, key);
        if (n instanceof MappingNode m) {
            return m;
        }
        MappingNode m = new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
        put(parent, key, m);
        return m;
    }

    private static Node get(MappingNode m, String key) {
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    private static void put(MappingNode m, String key, Node value) {
        List<NodeTuple> tuples = m.getValue();
        for (int i = 0; i < tuples.size(); i++) {
            if (tuples.get(i).getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                tuples.set(i, new NodeTuple(k, value));
                return;
            }
        }
        tuples.add(new NodeTuple(new ScalarNode(Tag.STR, key, value.getStartMark(), value.getEndMark(),
                DumperOptions.ScalarStyle.PLAIN), value));
    }

    /**
     * A scalar typed as YAML would type it, a flow list {@code [a, b]} of such scalars, or a flow mapping
     * {@code {dev.tern.core: debug}} of such scalars (for {@code log.levels}).
     */
    private static Node valueNode(String value, Mark mark) {
        String v = value.strip();
        if (v.startsWith("{") && v.endsWith("}")) {
            Node parsed;
            try {
                parsed = new Yaml(new LoaderOptions()).compose(new StringReader(v));
            } catch (org.yaml.snakeyaml.error.YAMLException e) {
                return scalar(v, mark); // reported by the loader as a wrong value
            }
            if (parsed instanceof MappingNode m) {
                List<NodeTuple> tuples = new ArrayList<>();
                for (NodeTuple t : m.getValue()) {
                    tuples.add(new NodeTuple(scalar(text(t.getKeyNode()), mark), scalar(text(t.getValueNode()), mark)));
                }
                return new MappingNode(Tag.MAP, tuples, DumperOptions.FlowStyle.FLOW);
            }
        }
        if (v.startsWith("[") && v.endsWith("]")) {
            Node parsed = new Yaml(new LoaderOptions()).compose(new StringReader(v));
            if (parsed instanceof SequenceNode s) {
                List<Node> items = new ArrayList<>();
                for (Node item : s.getValue()) {
                    String text = item instanceof ScalarNode sc ? sc.getValue() : item.toString();
                    items.add(scalar(text, mark));
                }
                return new SequenceNode(Tag.SEQ, items, DumperOptions.FlowStyle.FLOW);
            }
        }
        return scalar(v, mark);
    }

    private static String text(Node n) {
        return n instanceof ScalarNode sc ? sc.getValue() : n.toString();
    }

    private static ScalarNode scalar(String text, Mark mark) {
        Tag tag = new Resolver().resolve(NodeId.scalar, text, true);
        return new ScalarNode(tag, text, mark, mark, DumperOptions.ScalarStyle.PLAIN);
    }
}
