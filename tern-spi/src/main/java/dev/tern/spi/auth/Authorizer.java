package dev.tern.spi.auth;

/**
 * Decides what a connected client may do with topics. Called on the publish and delivery paths, so
 * implementations answer from memory, without blocking, and are safe to call from any thread.
 *
 * <p>The broker asks {@link #canPublish} for every PUBLISH it receives (and for the will topic at CONNECT),
 * {@link #canSubscribe} for every filter in a SUBSCRIBE, and {@link #canRead} for every message it is about to
 * deliver, retained ones included, so that a rule changed while a session lives applies to its next message.
 */
public interface Authorizer {

    /** Every client may do everything: the broker's behaviour when no authorization is configured. */
    Authorizer ALLOW_ALL = new Authorizer() {
        @Override
        public boolean canPublish(ClientIdentity who, String topic) {
            return true;
        }

        @Override
        public boolean canRead(ClientIdentity who, String topic) {
            return true;
        }

        @Override
        public boolean canSubscribe(ClientIdentity who, String filter) {
            return true;
        }

        @Override
        public String toString() {
            return "Authorizer.ALLOW_ALL";
        }
    };

    /** May {@code who} publish to this concrete topic (no wildcards)? */
    boolean canPublish(ClientIdentity who, String topic);

    /** May a message on this concrete topic be delivered to {@code who}? */
    boolean canRead(ClientIdentity who, String topic);

    /**
     * May {@code who} subscribe to this filter? False when no message the filter matches could ever be delivered
     * to the client; true does not promise delivery, which {@link #canRead} still checks per message.
     */
    boolean canSubscribe(ClientIdentity who, String filter);
}
