package dev.tern.tests.support;

import java.nio.charset.StandardCharsets;

/** A message as a client library handed it to the application. {@code dup} is false where the library hides it. */
public record Msg(String topic, byte[] payload, int qos, boolean retain, boolean dup) {
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Msg[" + topic + " '" + text() + "' qos=" + qos + " retain=" + retain + " dup=" + dup + "]";
    }
}
