package dev.tern.core;

import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.Auth;
import dev.tern.spi.auth.AuthRequest;
import dev.tern.spi.auth.AuthResult;
import dev.tern.spi.auth.AuthStep;
import dev.tern.spi.auth.EnhancedAuthSession;
import dev.tern.spi.auth.EnhancedAuthenticator;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;

/**
 * MQTT 5 enhanced authentication of one connection [MQTT-4.12]: the Authentication Method the client chose in
 * CONNECT, and the exchange in progress, either before CONNACK or a re-authentication (AUTH 0x19) of a connected
 * client [MQTT-4.12.1]. It runs the {@link EnhancedAuthSession} steps, checks that the client's AUTH packets fit
 * the exchange, builds the broker's AUTH packets and keeps the exchange's deadline; what an outcome means for the
 * connection (CONNACK, DISCONNECT) is {@link ClientConnection}'s. Owned by the client's shard.
 */
final class EnhancedAuthFlow {
    private final EnhancedAuthenticator authenticator;
    /** The exchange in progress; null between exchanges. */
    private EnhancedAuthSession exchange;
    private ScheduledFuture<?> deadline;

    EnhancedAuthFlow(EnhancedAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** The Authentication Method, e.g. {@code SCRAM-SHA-256}. */
    String method() {
        return authenticator.method();
    }

    boolean inProgress() {
        return exchange != null;
    }

    /** Starts an exchange (at CONNECT, or on AUTH 0x19) with the client's first data. */
    AuthStep begin(AuthRequest request, byte[] clientData) {
        try {
            exchange = authenticator.start(request);
        } catch (RuntimeException e) {
            return failed(e);
        }
        return step(clientData);
    }

    /** The client's next AUTH 0x18 in the exchange in progress. */
    AuthStep step(byte[] clientData) {
        AuthStep step;
        try {
            step = exchange.step(clientData);
        } catch (RuntimeException e) {
            step = failed(e);
        }
        if (!(step instanceof AuthStep.Continue)) {
            end();
        }
        return step;
    }

    private AuthStep failed(RuntimeException e) {
        return new AuthStep.Failure(AuthResult.NOT_AUTHORIZED, method() + " failed: " + e);
    }

    /** Ends the exchange in progress, if any, and its deadline. */
    void end() {
        exchange = null;
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /** Runs {@code onTimeout} on the shard if the exchange is still in progress after {@code millis}. */
    void armDeadline(Shard shard, Runnable onTimeout, long millis) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        deadline = shard.schedule(onTimeout, millis);
    }

    /**
     * Why a client's AUTH packet does not fit (null when it does): while an exchange is in progress only AUTH 0x18
     * is expected; otherwise only AUTH 0x19 starts one. Either way with this connection's method [MQTT-4.12.0-5].
     */
    String misfit(Auth auth) {
        if (!method().equals(auth.authenticationMethod())) {
            return "AUTH with authentication method '" + auth.authenticationMethod() + "', not '" + method()
                    + "' as in CONNECT [MQTT-4.12.0-5]";
        }
        int expected = inProgress() ? ReasonCode.CONTINUE_AUTHENTICATION : ReasonCode.RE_AUTHENTICATE;
        if (auth.reasonCode() != expected) {
            return "AUTH " + ReasonCode.describe(auth.reasonCode()) + " where " + ReasonCode.describe(expected)
                    + " was expected";
        }
        return null;
    }

    /** The broker's AUTH: 0x18 with the next challenge, or 0x00 ending a re-authentication. */
    Auth auth(int reasonCode, byte[] serverData) {
        return new Auth(reasonCode, method(), serverData, null, List.of());
    }

}
