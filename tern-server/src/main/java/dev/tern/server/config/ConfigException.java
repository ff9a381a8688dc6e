package dev.tern.server.config;

/**
 * A configuration that cannot be used. The message is written for the person who wrote the file: it names the
 * file, the line, the key and what is allowed, e.g. {@code tern.yaml:7: unknown key 'mqtt.max-keepalve'
 * (allowed: max-keepalive, ...)}. Show it as it is, without a stack trace.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
