package dev.tern.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.tern.spi.auth.AuthDecision;
import dev.tern.spi.auth.AuthRequest;
import dev.tern.spi.auth.AuthResult;
import dev.tern.spi.auth.Authenticator;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A client that sends a JSON Web Token (RFC 7519, compact JWS) as its MQTT password, as with EMQX's and HiveMQ's JWT
 * authentication. The token must:
 * <ul>
 *   <li>be signed (JWS) with an algorithm that one of the configured {@link JwtKeys} accepts; {@code alg: none},
 *       encrypted tokens and algorithms of another key type are refused;</li>
 *   <li>verify with that key (from a JWKS: the key its {@code kid} names);</li>
 *   <li>not be expired ({@code exp}) or not yet valid ({@code nbf}), give or take {@link JwtSettings#clockSkew()};</li>
 *   <li>have the configured {@code iss} and one of the configured {@code aud}, when configured;</li>
 *   <li>carry the username claim ({@code sub} by default) as a non-empty string.</li>
 * </ul>
 * The claim becomes the client's username ({@link AuthDecision#username()}): CONNECT's username may be empty or
 * anything. The token's {@code exp} (plus the clock skew) is the decision's {@link AuthDecision#validUntil()}, so
 * the broker can disconnect the client when its token runs out. A token without {@code exp} never expires, unless
 * {@link JwtSettings#requireExpiry()} refuses it.
 *
 * <p>{@link #authenticate} (which cannot tell the broker the username) is stricter: it refuses a token whose
 * username claim differs from a username sent in CONNECT, so a caller that only knows CONNECT's username never
 * sees one the token did not vouch for.
 *
 * <p>Thread-safe; keys come from a supplier (a {@link ReloadingFile} swaps them when the key or JWKS file changes).
 * Refusal reasons are for the log and never quote the token.
 */
public final class JwtAuthenticator implements Authenticator {
    private final JwtSettings settings;
    private final Supplier<JwtKeys> keys;
    private final Clock clock;

    public JwtAuthenticator(JwtSettings settings, Supplier<JwtKeys> keys, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public JwtAuthenticator(JwtSettings settings, JwtKeys keys) {
        this(settings, constant(Objects.requireNonNull(keys, "keys")), Clock.systemUTC());
    }

    private static Supplier<JwtKeys> constant(JwtKeys keys) {
        return () -> keys;
    }

    /**
     * Whether an MQTT password is a JWT in compact form ({@code header.payload.signature}, or five parts for an
     * encrypted one), judged by its header: base64url JSON with an {@code alg}. Cheap enough for every CONNECT;
     * says nothing about the token's validity.
     */
    public static boolean looksLikeJwt(byte[] password) {
        if (password == null || password.length < 5 || password.length > 65_535) {
            return false;
        }
        int dots = 0;
        for (byte b : password) {
            if (b == '.') {
                dots++;
            } else if (!(b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-' || b == '_'
                    || b == '=')) {
                return false; // base64url only: a password with spaces, '+', '/', ... is not a token
            }
        }
        if (dots != 2 && dots != 4) {
            return false;
        }
        try {
            JWTParser.parse(new String(password, StandardCharsets.US_ASCII));
            return true;
        } catch (ParseException e) {
            return false;
        }
    }

    @Override
    public AuthResult authenticate(AuthRequest request) {
        AuthDecision d = decide(request);
        if (d.allowed() && request.username() != null && !request.username().equals(d.username())) {
            return AuthResult.BAD_CREDENTIALS;
        }
        return d.result();
    }

    @Override
    public AuthDecision decide(AuthRequest request) {
        if (request.password() == null || request.password().length == 0) {
            return AuthDecision.badCredentials("no token");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(request.password())).toString();
        } catch (CharacterCodingException e) {
            return AuthDecision.badCredentials("the token is not text");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(text);
        } catch (ParseException e) {
            return AuthDecision.badCredentials("not a JWT: " + e.getMessage());
        }
        if (jwt instanceof PlainJWT) {
            return AuthDecision.badCredentials("unsigned token (alg none) refused");
        }
        if (jwt instanceof EncryptedJWT) {
            return AuthDecision.badCredentials("encrypted tokens (JWE) are not supported");
        }
        SignedJWT signed = (SignedJWT) jwt;
        JwtKeys current = keys.get();
        if (current == null) {
            return AuthDecision.badCredentials("no JWT key loaded");
        }
        JWSHeader header = signed.getHeader();
        JWSAlgorithm alg = header.getAlgorithm();
        if (!current.accepts(alg)) {
            return AuthDecision.badCredentials("algorithm " + alg + " not accepted by the configured key ("
                    + current.source() + ")");
        }
        if (current.select(header).isEmpty()) {
            return AuthDecision.badCredentials("no key with kid '" + header.getKeyID() + "' in " + current.source());
        }
        Instant now = clock.instant();
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector((h, context) -> current.select(h));
        processor.setJWSTypeVerifier((type, context) -> { }); // any typ: JWT, at+jwt (RFC 9068), or none
        processor.setJWTClaimsSetVerifier((claims, context) -> verifyClaims(claims, now));
        JWTClaimsSet claims;
        try {
            claims = processor.process(signed, null);
        } catch (BadJWTException e) {
            return AuthDecision.badCredentials(e.getMessage());
        } catch (BadJOSEException e) {
            String m = e.getMessage();
            return AuthDecision.badCredentials(m != null && m.contains("Invalid signature") ? "invalid signature" : m);
        } catch (JOSEException | RuntimeException e) {
            return AuthDecision.badCredentials("cannot verify the token: " + e.getMessage());
        }
        Object name = claims.getClaim(settings.usernameClaim());
        if (!(name instanceof String) || ((String) name).isEmpty()) {
            return AuthDecision.badCredentials("the token has no '" + settings.usernameClaim() + "' claim with a "
                    + "user name" + (name == null ? "" : " (it is not a non-empty string)"));
        }
        Date exp = claims.getExpirationTime();
        Instant validUntil = exp == null ? null : exp.toInstant().plus(settings.clockSkew());
        return AuthDecision.allow((String) name, validUntil);
    }

    private void verifyClaims(JWTClaimsSet claims, Instant now) throws BadJWTException {
        Date exp = claims.getExpirationTime();
        if (exp == null && settings.requireExpiry()) {
            throw new BadJWTException("the token has no exp claim, and auth.jwt.require-exp is on");
        }
        if (exp != null && now.isAfter(exp.toInstant().plus(settings.clockSkew()))) {
            throw new BadJWTException("token expired at " + exp.toInstant());
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(settings.clockSkew()).isBefore(nbf.toInstant())) {
            throw new BadJWTException("token not valid before " + nbf.toInstant());
        }
        if (settings.issuer() != null && !settings.issuer().equals(claims.getIssuer())) {
            throw new BadJWTException("issuer " + (claims.getIssuer() == null ? "missing"
                    : "'" + claims.getIssuer() + "'") + ", expected '" + settings.issuer() + "'");
        }
        if (!settings.audiences().isEmpty()) {
            List<String> aud = claims.getAudience();
            if (aud == null || aud.stream().noneMatch(settings.audiences()::contains)) {
                throw new BadJWTException("audience " + (aud == null || aud.isEmpty() ? "missing" : aud)
                        + ", expected " + String.join(" or ", settings.audiences()));
            }
        }
    }

    public JwtSettings settings() {
        return settings;
    }
}
