package dev.tern.cli.client;

import dev.tern.codec.packet.PublishProperties;
import dev.tern.codec.packet.UserProperty;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Stack;
import picocli.CommandLine;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The MQTT 5 properties given with {@code -D command identifier value} (and {@code -D command user-property name
 * value}), as mosquitto_pub/mosquitto_sub take them. Binary properties (correlation data) are taken as the UTF-8
 * bytes of the value.
 */
public final class PropertyArgs {
    /** Which property each command accepts (authentication is not supported: it needs an AUTH exchange). */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "connect", Set.of("maximum-packet-size", "receive-maximum", "request-problem-information",
                    "request-response-information", "session-expiry-interval", "topic-alias-maximum",
                    "user-property"),
            "publish", Set.of("content-type", "correlation-data", "message-expiry-interval",
                    "payload-format-indicator", "response-topic", "topic-alias", "user-property"),
            "subscribe", Set.of("subscription-identifier", "user-property"),
            "disconnect", Set.of("session-expiry-interval", "user-property"),
            "will", Set.of("content-type", "correlation-data", "message-expiry-interval", "payload-format-indicator",
                    "response-topic", "user-property", "will-delay-interval"));

    // connect
    Long sessionExpiryInterval;
    Integer receiveMaximum;
    Long maximumPacketSize;
    Integer topicAliasMaximum;
    Boolean requestProblemInformation;
    Boolean requestResponseInformation;
    final List<UserProperty> connectUserProperties = new ArrayList<>();
    // publish and will
    final PublishPropertiesBuilder publish = new PublishPropertiesBuilder();
    final PublishPropertiesBuilder will = new PublishPropertiesBuilder();
    Long willDelayInterval;
    // subscribe
    Integer subscriptionIdentifier;
    final List<UserProperty> subscribeUserProperties = new ArrayList<>();
    // disconnect
    Long disconnectSessionExpiryInterval;
    final List<UserProperty> disconnectUserProperties = new ArrayList<>();

    private boolean any;

    /** True when at least one property was given. */
    public boolean isEmpty() {
        return !any;
    }

    public PublishProperties publishProperties() {
        return publish.build();
    }

    public Integer subscriptionIdentifier() {
        return subscriptionIdentifier;
    }

    public List<UserProperty> subscribeUserProperties() {
        return List.copyOf(subscribeUserProperties);
    }

    /**
     * Parses the raw {@code -D} values (four per property: command, identifier, value, second value or null), as
     * collected by {@link Consumer}.
     */
    public static PropertyArgs parse(List<String> raw) throws ClientException {
        PropertyArgs args = new PropertyArgs();
        for (int i = 0; i + 3 < raw.size(); i += 4) {
            args.add(raw.get(i), raw.get(i + 1), raw.get(i + 2), raw.get(i + 3));
        }
        return args;
    }

    void add(String command, String identifier, String value, String value2) throws ClientException {
        Set<String> allowed = ALLOWED.get(command);
        if (allowed == null) {
            throw ClientException.usage("Error: Invalid command '" + command + "' given to -D: use one of "
                    + String.join(", ", new java.util.TreeSet<>(ALLOWED.keySet())) + ".");
        }
        if (!allowed.contains(identifier)) {
            throw ClientException.usage("Error: " + identifier + " property not allowed for " + command
                    + " in -D (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ").");
        }
        any = true;
        if (identifier.equals("user-property")) {
            UserProperty up = new UserProperty(value, value2);
            switch (command) {
                case "connect" -> connectUserProperties.add(up);
                case "publish" -> publish.userProperties.add(up);
                case "will" -> will.userProperties.add(up);
                case "subscribe" -> subscribeUserProperties.add(up);
                default -> disconnectUserProperties.add(up);
            }
            return;
        }
        switch (command) {
            case "connect" -> {
                switch (identifier) {
                    case "session-expiry-interval" -> sessionExpiryInterval = u32(identifier, value);
                    case "receive-maximum" -> receiveMaximum = (int) range(identifier, value, 1, 65535);
                    case "maximum-packet-size" -> maximumPacketSize = range(identifier, value, 1, 0xFFFF_FFFFL);
                    case "topic-alias-maximum" -> topicAliasMaximum = (int) range(identifier, value, 0, 65535);
                    case "request-problem-information" ->
                            requestProblemInformation = range(identifier, value, 0, 1) == 1;
                    default -> requestResponseInformation = range(identifier, value, 0, 1) == 1;
                }
            }
            case "publish" -> publishProperty(publish, identifier, value);
            case "will" -> {
                if (identifier.equals("will-delay-interval")) {
                    willDelayInterval = u32(identifier, value);
                } else {
                    publishProperty(will, identifier, value);
                }
            }
            case "subscribe" -> subscriptionIdentifier = (int) range(identifier, value, 1, 268_435_455);
            default -> disconnectSessionExpiryInterval = u32(identifier, value);
        }
    }

    private static void publishProperty(PublishPropertiesBuilder b, String identifier, String value)
            throws ClientException {
        switch (identifier) {
            case "content-type" -> b.contentType = value;
            case "correlation-data" -> b.correlationData = value.getBytes(StandardCharsets.UTF_8);
            case "message-expiry-interval" -> b.messageExpiryInterval = u32(identifier, value);
            case "payload-format-indicator" -> b.payloadFormatIndicator = (int) range(identifier, value, 0, 1);
            case "response-topic" -> b.responseTopic = value;
            default -> b.topicAlias = (int) range(identifier, value, 1, 65535);
        }
    }

    private static long u32(String identifier, String value) throws ClientException {
        return range(identifier, value, 0, 0xFFFF_FFFFL);
    }

    private static long range(String identifier, String value, long min, long max) throws ClientException {
        try {
            long v = Long.parseLong(value.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw ClientException.usage("Error: invalid value '" + value + "' for " + identifier + " in -D: a number "
                + min + ".." + max + " is expected.");
    }

    /** Publish (or will) properties as they are collected. */
    static final class PublishPropertiesBuilder {
        Integer payloadFormatIndicator;
        Long messageExpiryInterval;
        Integer topicAlias;
        String responseTopic;
        byte[] correlationData;
        String contentType;
        final List<UserProperty> userProperties = new ArrayList<>();

        PublishProperties build() {
            return new PublishProperties(payloadFormatIndicator, messageExpiryInterval, topicAlias, responseTopic,
                    correlationData, contentType, List.of(), userProperties);
        }
    }

    /**
     * Takes three arguments after {@code -D} (four for {@code user-property}) and stores them as four list entries
     * (the last null when there is no second value).
     */
    public static final class Consumer implements IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            if (args.size() < 3) {
                throw new CommandLine.ParameterException(commandSpec.commandLine(),
                        "Error: -D needs a command, a property name and a value, "
                                + "e.g. -D publish content-type text/plain");
            }
            String command = args.pop();
            String identifier = args.pop();
            String value = args.pop();
            String value2 = null;
            if (identifier.equals("user-property")) {
                if (args.isEmpty()) {
                    throw new CommandLine.ParameterException(commandSpec.commandLine(),
                            "Error: -D " + command + " user-property needs a name and a value");
                }
                value2 = args.pop();
            }
            List<String> list = argSpec.getValue();
            if (list == null) {
                list = new ArrayList<>();
                argSpec.setValue(list);
            }
            list.add(command);
            list.add(identifier);
            list.add(value);
            list.add(value2);
        }
    }
}
