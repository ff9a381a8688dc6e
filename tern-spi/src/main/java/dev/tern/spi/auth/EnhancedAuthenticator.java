package dev.tern.spi.auth;

/**
 * An MQTT 5 enhanced authentication method (the Authentication Method property of CONNECT and AUTH), e.g.
 * {@code SCRAM-SHA-256}: a challenge/response exchange of AUTH packets before CONNACK, and again whenever the client
 * re-authenticates.
 *
 * <p>How the broker drives it: a CONNECT whose Authentication Method is {@link #method()} starts a session with
 * {@link #start}, then feeds CONNECT's Authentication Data to {@link EnhancedAuthSession#step}; each
 * {@link AuthStep.Continue} goes to the client as AUTH 0x18 (continue authentication), and the client's next
 * AUTH 0x18 is the next step; {@link AuthStep.Success} ends it with CONNACK 0x00, {@link AuthStep.Failure} with
 * CONNACK 0x86 or 0x87. A connected client's AUTH 0x19 (re-authenticate) with the same method starts a new session
 * the same way, ending in AUTH 0x00 or DISCONNECT. A method no authenticator has: CONNACK 0x8C.
 *
 * <p>Implementations are thread-safe and never block: {@link #start} and {@link EnhancedAuthSession#step} run on the
 * broker's event loops and must answer from memory.
 */
public interface EnhancedAuthenticator {

    /** The Authentication Method this handles, compared exactly (case-sensitive), e.g. {@code SCRAM-SHA-256}. */
    String method();

    /**
     * Begins one exchange.
     *
     * @param request the client as CONNECT presented it ({@code password} is not used by exchange methods). For a
     *        re-authentication, {@code username} is the client's current (authenticated) username, and a session
     *        must fail when the exchange proves a different user.
     */
    EnhancedAuthSession start(AuthRequest request);
}
