package dev.tern.spi.auth;

import java.time.Instant;
import java.util.Objects;

/** What an {@link EnhancedAuthSession} answers to one client message. */
public sealed interface AuthStep permits AuthStep.Continue, AuthStep.Success, AuthStep.Failure {

    /**
     * The exchange goes on: send {@code serverData} to the client as the Authentication Data of AUTH with reason
     * code 0x18 (continue authentication), and pass the client's answer to the next step.
     */
    record Continue(byte[] serverData) implements AuthStep {
        public Continue {
            Objects.requireNonNull(serverData, "serverData");
        }
    }

    /**
     * The client proved who it is.
     *
     * @param serverData the server's last message (for SCRAM, server-final-message with the server signature), sent
     *        as the Authentication Data of CONNACK 0x00 (or of AUTH 0x00 after a re-authentication); null = none
     * @param username the authenticated user, the client's username from now on (for the ACL and the logs)
     * @param validUntil when these credentials expire, or null for never (see {@link AuthDecision#validUntil()})
     */
    record Success(byte[] serverData, String username, Instant validUntil) implements AuthStep {
        public Success {
            Objects.requireNonNull(username, "username");
        }
    }

    /**
     * The exchange failed: CONNACK with {@code result}'s reason code, 0x86 for {@link AuthResult#BAD_CREDENTIALS},
     * 0x87 for {@link AuthResult#NOT_AUTHORIZED}; for a re-authentication, DISCONNECT 0x87 either way (DISCONNECT
     * has no 0x86).
     *
     * @param reason why, for the broker's log (never credential material; it may tell an unknown user from a wrong
     *        password, so it is not for the client)
     */
    record Failure(AuthResult result, String reason) implements AuthStep {
        public Failure {
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(reason, "reason");
            if (result == AuthResult.ALLOW) {
                throw new IllegalArgumentException("a failure cannot be ALLOW");
            }
        }
    }
}
