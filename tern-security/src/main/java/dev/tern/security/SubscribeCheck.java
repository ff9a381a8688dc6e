package dev.tern.security;

/** The answer of {@link AclFile#canSubscribe}. */
public enum SubscribeCheck {
    /** Some message this filter matches may be read; each delivery is still checked with {@link AclFile#canRead}. */
    ALLOWED,
    /** No message this filter matches could ever be delivered to the client. */
    DENIED
}
