package dev.tern.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Where clients without a username may connect: per listener ({@code listeners[].allow-anonymous}), else
 * {@code auth.allow-anonymous}. Listeners register under their bound name once bound.
 */
final class AnonymousPolicy implements Predicate<String> {
    private final Map<String, Boolean> byListener = new ConcurrentHashMap<>();
    private final boolean fallback;

    AnonymousPolicy(boolean fallback) {
        this.fallback = fallback;
    }

    void register(String listener, boolean allowed) {
        byListener.put(listener, allowed);
    }

    @Override
    public boolean test(String listener) {
        return byListener.getOrDefault(listener, fallback);
    }
}
