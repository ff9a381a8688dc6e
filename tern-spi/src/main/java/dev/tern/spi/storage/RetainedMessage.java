package dev.tern.spi.storage;

/** A retained slot: the message retained for a topic (the topic is the message's own). */
public record RetainedMessage(String topic, StoredMessage message) {
}
