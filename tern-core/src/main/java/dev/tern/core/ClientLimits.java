package dev.tern.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-client limits that protect the broker from clients that ask too much (the {@code limits:} section).
 *
 * @param maxTopicLength longest topic name or filter, in UTF-8 bytes (PUBLISH: DISCONNECT 0x90; SUBSCRIBE: 0x8F)
 * @param maxTopicLevels most levels in a topic name or filter; 0 = no limit
 * @param maxSubscriptionsPerClient 0 = no limit; past it SUBSCRIBE gets 0x97 quota exceeded (3.1.1: 0x80)
 * @param publishRate PUBLISH packets per second a client may send, 0 = no limit; a faster client is not read for
 *     a while (back-pressure), nothing is dropped
 * @param publishBytesRate PUBLISH bytes (payload and topic) per second, 0 = no limit; same back-pressure
 * @param failedAuthDelay the refusal of a failed login from an address waits this long, doubling with each further
 *     failure from that address up to {@code failedAuthMaxDelay}; zero = answer at once
 */
public record ClientLimits(int maxTopicLength, int maxTopicLevels, int maxSubscriptionsPerClient, int publishRate,
                           long publishBytesRate, Duration failedAuthDelay, Duration failedAuthMaxDelay) {

    public ClientLimits {
        Objects.requireNonNull(failedAuthDelay, "failedAuthDelay");
        Objects.requireNonNull(failedAuthMaxDelay, "failedAuthMaxDelay");
        if (maxTopicLength < 1 || maxTopicLength > 65535) {
            throw new IllegalArgumentException("max-topic-length must be 1..65535, was " + maxTopicLength);
        }
        if (maxTopicLevels < 0 || maxSubscriptionsPerClient < 0 || publishRate < 0 || publishBytesRate < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
        if (failedAuthDelay.isNegative() || failedAuthMaxDelay.compareTo(failedAuthDelay) < 0) {
            throw new IllegalArgumentException("failed-auth-delay must be >= 0 and <= failed-auth-max-delay");
        }
    }

    /** The defaults, as documented in docs/configuration.md. */
    public static ClientLimits defaults() {
        return new ClientLimits(65535, 128, 10_000, 0, 0, Duration.ofMillis(500), Duration.ofSeconds(10));
    }

    /** True when a topic name or filter is within the length and level limits. */
    public boolean topicWithinLimits(String topic) {
        int chars = topic.length();
        if (chars > maxTopicLength) {
            return false;
        }
        if (chars * 3 > maxTopicLength && utf8Length(topic) > maxTopicLength) {
            return false;
        }
        if (maxTopicLevels > 0) {
            int levels = 1;
            for (int i = 0; i < chars; i++) {
                if (topic.charAt(i) == '/' && ++levels > maxTopicLevels) {
                    return false;
                }
            }
        }
        return true;
    }

    private static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
