package dev.tern.core;

/**
 * Token buckets for {@link ClientLimits#publishRate()} and {@link ClientLimits#publishBytesRate()} of one
 * connection, with one second of burst. Used on the connection's shard only.
 */
final class PublishRateLimiter {
    private final double messagesPerNano;
    private final double bytesPerNano;
    private final double messageBurst;
    private final double byteBurst;
    private double messageTokens;
    private double byteTokens;
    private long lastNanos;

    PublishRateLimiter(ClientLimits limits, long nowNanos) {
        this.messagesPerNano = limits.publishRate() / 1e9;
        this.bytesPerNano = limits.publishBytesRate() / 1e9;
        this.messageBurst = limits.publishRate();
        this.byteBurst = limits.publishBytesRate();
        this.messageTokens = messageBurst;
        this.byteTokens = byteBurst;
        this.lastNanos = nowNanos;
    }

    static boolean isLimited(ClientLimits limits) {
        return limits.publishRate() > 0 || limits.publishBytesRate() > 0;
    }

    /**
     * Takes one message of {@code bytes}; returns 0 when within the rates, else how many milliseconds the client
     * should not be read for the buckets to be back at zero.
     */
    long take(int bytes, long nowNanos) {
        long elapsed = Math.max(0, nowNanos - lastNanos);
        lastNanos = nowNanos;
        double waitNanos = 0;
        if (messagesPerNano > 0) {
            messageTokens = Math.min(messageBurst, messageTokens + elapsed * messagesPerNano) - 1;
            if (messageTokens < 0) {
                waitNanos = Math.max(waitNanos, -messageTokens / messagesPerNano);
            }
        }
        if (bytesPerNano > 0) {
            byteTokens = Math.min(byteBurst, byteTokens + elapsed * bytesPerNano) - bytes;
            if (byteTokens < 0) {
                waitNanos = Math.max(waitNanos, -byteTokens / bytesPerNano);
            }
        }
        return waitNanos <= 0 ? 0 : Math.max(1, (long) Math.ceil(waitNanos / 1e6));
    }
}
