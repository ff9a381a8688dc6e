package dev.tern.security;

import dev.tern.spi.auth.AuthRequest;
import dev.tern.spi.auth.AuthResult;
import dev.tern.spi.auth.AuthStep;
import dev.tern.spi.auth.EnhancedAuthSession;
import dev.tern.spi.auth.EnhancedAuthenticator;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * MQTT 5 enhanced authentication with SCRAM-SHA-256 or SCRAM-SHA-512 ({@link ScramServer}) against a
 * {@link ScramCredentialFile}. The Authentication Method is the mechanism's name; the exchange is
 * <pre>
 * CONNECT  (method, data = client-first-message)   -&gt;  AUTH 0x18 (data = server-first-message)
 * AUTH 0x18 (data = client-final-message)          -&gt;  CONNACK 0x00 (data = server-final-message, v=...)
 * </pre>
 * and the same from AUTH 0x19 for a re-authentication, ending in AUTH 0x00. A wrong password or an unknown user
 * fails with {@link AuthResult#BAD_CREDENTIALS} (0x86); a malformed exchange, channel binding asked for, or a
 * SCRAM user other than the CONNECT user name (or, re-authenticating, the current user) with
 * {@link AuthResult#NOT_AUTHORIZED} (0x87). Thread-safe; each {@link #start} is one exchange.
 */
public final class ScramAuthenticator implements EnhancedAuthenticator {
    private final ScramMechanism mechanism;
    private final Supplier<ScramCredentialFile> credentials;
    private final byte[] decoySecret = new byte[32];

    /**
     * @param credentials the current credential file (e.g. a {@link ReloadingFile}); null from it means no user
     */
    public ScramAuthenticator(ScramMechanism mechanism, Supplier<ScramCredentialFile> credentials) {
        this.mechanism = Objects.requireNonNull(mechanism, "mechanism");
        if (!mechanism.offered()) {
            throw new IllegalArgumentException(mechanism + " is not offered");
        }
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        new SecureRandom().nextBytes(decoySecret);
    }

    @Override
    public String method() {
        return mechanism.mechanismName();
    }

    @Override
    public EnhancedAuthSession start(AuthRequest request) {
        ScramCredentialFile file = credentials.get(); // one version of the file for the whole exchange
        ScramServer server = new ScramServer(mechanism, user -> file == null ? null : file.find(user, mechanism),
                this::decoySalt);
        return new Session(server, request.username());
    }

    /** A salt for a user without a credential: the same for the same name while the broker runs. */
    private byte[] decoySalt(String user) {
        byte[] mac = ScramMechanism.SHA_256.hmac(decoySecret, (mechanism + "\0" + user)
                .getBytes(StandardCharsets.UTF_8));
        return Arrays.copyOf(mac, ScramCredential.SALT_BYTES);
    }

    private static final class Session implements EnhancedAuthSession {
        private final ScramServer server;
        private final String expectedUser;
        private int steps;

        Session(ScramServer server, String expectedUser) {
            this.server = server;
            this.expectedUser = expectedUser;
        }

        @Override
        public AuthStep step(byte[] clientData) {
            steps++;
            if (steps == 1) {
                if (clientData == null || clientData.length == 0) {
                    return new AuthStep.Failure(AuthResult.NOT_AUTHORIZED, server.mechanism()
                            + ": no client-first-message in the Authentication Data");
                }
                ScramServer.Outcome first = server.clientFirst(clientData);
                if (first instanceof ScramServer.Failed f) {
                    return failure(f);
                }
                if (expectedUser != null && !expectedUser.equals(server.username())) {
                    return new AuthStep.Failure(AuthResult.NOT_AUTHORIZED, server.mechanism() + ": SCRAM user '"
                            + server.username() + "' is not the client's user name '" + expectedUser + "'");
                }
                return new AuthStep.Continue(bytes(((ScramServer.Reply) first).message()));
            }
            if (steps == 2) {
                ScramServer.Outcome last = server.clientFinal(clientData == null ? new byte[0] : clientData);
                if (last instanceof ScramServer.Failed f) {
                    return failure(f);
                }
                return new AuthStep.Success(bytes(((ScramServer.Reply) last).message()), server.username(), null);
            }
            return new AuthStep.Failure(AuthResult.NOT_AUTHORIZED, server.mechanism()
                    + ": the exchange is already over");
        }

        private AuthStep.Failure failure(ScramServer.Failed f) {
            return new AuthStep.Failure(f.error().isCredentialFailure() ? AuthResult.BAD_CREDENTIALS
                    : AuthResult.NOT_AUTHORIZED, server.mechanism() + ": " + f.error().value() + ": " + f.detail());
        }

        private static byte[] bytes(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
    }
}
