package dev.tern.codec.packet;

import java.util.Objects;

/** An MQTT 5 user property: a name/value pair; order and duplicates are significant. */
public record UserProperty(String name, String value) {
    public UserProperty {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
