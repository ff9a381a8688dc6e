package dev.tern.codec.decode;

import dev.tern.codec.packet.PublishProperties;
import dev.tern.codec.packet.UserProperty;
import dev.tern.codec.wire.Property;
import java.util.ArrayList;
import java.util.List;

/** The properties read from one property block, indexed by identifier. Immutable once read. */
final class DecodedProperties {
    /** The result of an empty property block; never written to. */
    static final DecodedProperties EMPTY = new DecodedProperties();

    private final Object[] values = new Object[0x2B];
    private List<UserProperty> userProperties = List.of();
    private List<Integer> subscriptionIdentifiers = List.of();
    private boolean empty = true;

    boolean isEmpty() {
        return empty;
    }

    boolean has(Property p) {
        return values[p.id()] != null;
    }

    void put(Property p, Object value) {
        values[p.id()] = value;
        empty = false;
    }

    void addUserProperty(UserProperty up) {
        if (userProperties.isEmpty()) {
            userProperties = new ArrayList<>(4);
        }
        userProperties.add(up);
        empty = false;
    }

    void addSubscriptionIdentifier(int id) {
        if (subscriptionIdentifiers.isEmpty()) {
            subscriptionIdentifiers = new ArrayList<>(2);
        }
        subscriptionIdentifiers.add(id);
        empty = false;
    }

    Integer integer(Property p) {
        return (Integer) values[p.id()];
    }

    int integer(Property p, int absent) {
        Integer v = integer(p);
        return v == null ? absent : v;
    }

    Long longValue(Property p) {
        return (Long) values[p.id()];
    }

    long longValue(Property p, long absent) {
        Long v = longValue(p);
        return v == null ? absent : v;
    }

    /** A 0/1 byte property as a Boolean, null when absent. */
    Boolean bool(Property p) {
        Integer v = integer(p);
        return v == null ? null : v == 1;
    }

    String string(Property p) {
        return (String) values[p.id()];
    }

    byte[] bytes(Property p) {
        return (byte[]) values[p.id()];
    }

    List<UserProperty> userProperties() {
        return userProperties;
    }

    List<Integer> subscriptionIdentifiers() {
        return subscriptionIdentifiers;
    }

    /** The PUBLISH (or will) message properties held here. */
    PublishProperties toPublishProperties() {
        if (empty) {
            return PublishProperties.EMPTY;
        }
        return new PublishProperties(integer(Property.PAYLOAD_FORMAT_INDICATOR),
                longValue(Property.MESSAGE_EXPIRY_INTERVAL), integer(Property.TOPIC_ALIAS),
                string(Property.RESPONSE_TOPIC), bytes(Property.CORRELATION_DATA), string(Property.CONTENT_TYPE),
                subscriptionIdentifiers, userProperties);
    }
}
