package dev.tern.spi.auth;

/**
 * One authentication exchange of an {@link EnhancedAuthenticator}, from its first message to its outcome. Not
 * thread-safe: the broker calls it from one thread at a time (the client's session shard). After a
 * {@link AuthStep.Success} or {@link AuthStep.Failure} the session is finished, and any further step fails.
 */
public interface EnhancedAuthSession {

    /**
     * Takes the client's next message and answers.
     *
     * @param clientData the Authentication Data of CONNECT (first step), of AUTH 0x19 (first step of a
     *        re-authentication) or of the client's AUTH 0x18 (later steps); null when the packet had none
     */
    AuthStep step(byte[] clientData);
}
