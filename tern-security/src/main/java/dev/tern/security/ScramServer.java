package dev.tern.security;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The server side of one SCRAM exchange (RFC 5802, RFC 7677), without channel binding: it takes the
 * client-first-message and answers the server-first-message, then takes the client-final-message, checks the proof
 * and answers the server-final-message ({@code v=} signature), or fails with one of RFC 5802's
 * {@code server-error-value}s ({@link Error}).
 *
 * <ul>
 *   <li>GS2 header: {@code n,,} (client does not support channel binding) and {@code y,,} (client does, but thinks
 *       the server does not: right, Tern offers no {@code -PLUS} mechanism) are accepted; {@code p=...} (channel
 *       binding asked for) fails with {@link Error#CHANNEL_BINDING_NOT_SUPPORTED}. An authorization identity
 *       {@code a=} is accepted only when it is the user itself.</li>
 *   <li>The user name is decoded ({@code =2C}, {@code =3D}) and prepared with {@link SaslPrep}.</li>
 *   <li>A user without a credential gets a normal-looking server-first-message (a salt derived from the name, so
 *       asking twice gives the same one) and fails only at the proof, so the exchange does not tell who exists.</li>
 *   <li>The proof is checked by comparing H(ClientKey) with StoredKey in constant time.</li>
 * </ul>
 * Not thread-safe: one instance per exchange, used by one thread at a time.
 */
public final class ScramServer {
    /** Largest client message accepted, in bytes. */
    public static final int MAX_MESSAGE_BYTES = 8192;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** RFC 5802's {@code server-error-value}s that this server uses, with the text sent in {@code e=}. */
    public enum Error {
        INVALID_ENCODING("invalid-encoding"),
        EXTENSIONS_NOT_SUPPORTED("extensions-not-supported"),
        INVALID_PROOF("invalid-proof"),
        CHANNEL_BINDINGS_DONT_MATCH("channel-bindings-dont-match"),
        CHANNEL_BINDING_NOT_SUPPORTED("channel-binding-not-supported"),
        UNKNOWN_USER("unknown-user"),
        INVALID_USERNAME_ENCODING("invalid-username-encoding"),
        OTHER_ERROR("other-error");

        private final String value;

        Error(String value) {
            this.value = value;
        }

        /** The {@code server-error-value}, e.g. {@code invalid-proof}. */
        public String value() {
            return value;
        }

        /** Whether the client failed to prove the password (wrong password or no such user), not a protocol slip. */
        public boolean isCredentialFailure() {
            return this == INVALID_PROOF || this == UNKNOWN_USER;
        }
    }

    /** What one step gives: a message for the client, or a failure. */
    public sealed interface Outcome permits Reply, Failed {
    }

    /** The server's next message (server-first-message or server-final-message). */
    public record Reply(String message) implements Outcome {
    }

    /**
     * The exchange failed.
     *
     * @param error the RFC 5802 error; {@link #serverError()} is the server-final-message that reports it
     * @param detail what happened, for the log (no secrets; may name the user)
     */
    public record Failed(Error error, String detail) implements Outcome {
        /** {@code e=...}, the server-final-message of a failed exchange. */
        public String serverError() {
            return "e=" + error.value();
        }
    }

    private enum State { AWAITING_CLIENT_FIRST, AWAITING_CLIENT_FINAL, DONE }

    private final ScramMechanism mechanism;
    private final Function<String, ScramCredential> credentials;
    private final Function<String, byte[]> unknownUserSalt;
    private final Supplier<String> nonces;
    private State state = State.AWAITING_CLIENT_FIRST;
    private String username;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private ScramCredential credential;
    private boolean knownUser;

    /**
     * @param credentials the credential of a (prepared) user name for {@code mechanism}, or null for none
     * @param unknownUserSalt the salt to show for a user without a credential; the same name must always get the
     *        same salt (e.g. an HMAC of the name under a server secret)
     * @param nonces the server's part of the nonce: printable ASCII without {@code ,}; random in production
     */
    public ScramServer(ScramMechanism mechanism, Function<String, ScramCredential> credentials,
                       Function<String, byte[]> unknownUserSalt, Supplier<String> nonces) {
        this.mechanism = Objects.requireNonNull(mechanism, "mechanism");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.unknownUserSalt = Objects.requireNonNull(unknownUserSalt, "unknownUserSalt");
        this.nonces = Objects.requireNonNull(nonces, "nonces");
    }

    /** With 18 random bytes (base64) as the server nonce. */
    public ScramServer(ScramMechanism mechanism, Function<String, ScramCredential> credentials,
                       Function<String, byte[]> unknownUserSalt) {
        this(mechanism, credentials, unknownUserSalt, ScramServer::randomNonce);
    }

    private static String randomNonce() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    public ScramMechanism mechanism() {
        return mechanism;
    }

    /** The (prepared) user name from the client-first-message; null before it. */
    public String username() {
        return username;
    }

    /** Takes the client-first-message; answers the server-first-message. */
    public Outcome clientFirst(byte[] message) {
        if (state != State.AWAITING_CLIENT_FIRST) {
            return fail(Error.OTHER_ERROR, "client-first-message out of order");
        }
        String text = decode(message);
        if (text == null) {
            return fail(Error.INVALID_ENCODING, "client-first-message is not UTF-8 text of at most "
                    + MAX_MESSAGE_BYTES + " bytes");
        }
        // gs2-header = gs2-cbind-flag "," [ authzid ] ","
        int first = text.indexOf(',');
        int second = first < 0 ? -1 : text.indexOf(',', first + 1);
        if (second < 0) {
            return fail(Error.OTHER_ERROR, "client-first-message has no GS2 header");
        }
        String flag = text.substring(0, first);
        String authzid = text.substring(first + 1, second);
        if (flag.startsWith("p=")) {
            return fail(Error.CHANNEL_BINDING_NOT_SUPPORTED, "the client asks for channel binding ("
                    + flag.substring(2) + "), which Tern does not offer");
        }
        if (!flag.equals("n") && !flag.equals("y")) {
            return fail(Error.OTHER_ERROR, "bad GS2 channel binding flag");
        }
        gs2Header = text.substring(0, second + 1);
        clientFirstBare = text.substring(second + 1);
        String[] attrs = clientFirstBare.split(",", -1);
        if (attrs[0].startsWith("m=")) {
            return fail(Error.EXTENSIONS_NOT_SUPPORTED, "mandatory extension m= is not supported");
        }
        if (attrs.length < 2 || !attrs[0].startsWith("n=") || !attrs[1].startsWith("r=")) {
            return fail(Error.OTHER_ERROR, "client-first-message must start with n=user,r=nonce");
        }
        String user = saslName(attrs[0].substring(2));
        if (user == null) {
            return fail(Error.INVALID_USERNAME_ENCODING, "user name is badly encoded or not allowed by SASLprep");
        }
        if (!authzid.isEmpty()) {
            String authz = authzid.startsWith("a=") ? saslName(authzid.substring(2)) : null;
            if (authz == null || !authz.equals(user)) {
                return fail(Error.OTHER_ERROR, "an authorization identity other than the user is not supported");
            }
        }
        String clientNonce = attrs[1].substring(2);
        if (clientNonce.isEmpty() || !printable(clientNonce)) {
            return fail(Error.OTHER_ERROR, "the client nonce is empty or not printable");
        }
        String serverNonce = nonces.get();
        if (serverNonce.isEmpty() || !printable(serverNonce)) {
            throw new IllegalStateException("the server nonce must be printable ASCII without ','");
        }
        username = user;
        nonce = clientNonce + serverNonce;
        credential = credentials.apply(user);
        knownUser = credential != null && credential.mechanism() == mechanism;
        byte[] salt;
        int iterations;
        if (knownUser) {
            salt = credential.salt();
            iterations = credential.iterations();
        } else {
            salt = unknownUserSalt.apply(user);
            iterations = ScramMechanism.MIN_ITERATIONS;
        }
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + iterations;
        state = State.AWAITING_CLIENT_FINAL;
        return new Reply(serverFirst);
    }

    /** Takes the client-final-message; answers the server-final-message ({@code v=...}) when the proof holds. */
    public Outcome clientFinal(byte[] message) {
        if (state != State.AWAITING_CLIENT_FINAL) {
            return fail(Error.OTHER_ERROR, "client-final-message out of order");
        }
        String text = decode(message);
        if (text == null) {
            return fail(Error.INVALID_ENCODING, "client-final-message is not UTF-8 text of at most "
                    + MAX_MESSAGE_BYTES + " bytes");
        }
        // client-final-message-without-proof "," proof, the proof last
        int p = text.lastIndexOf(",p=");
        if (p < 0) {
            return fail(Error.OTHER_ERROR, "client-final-message has no proof (p=) at its end");
        }
        String withoutProof = text.substring(0, p);
        String[] attrs = withoutProof.split(",", -1);
        if (attrs.length < 2 || !attrs[0].startsWith("c=") || !attrs[1].startsWith("r=")) {
            return fail(Error.OTHER_ERROR, "client-final-message must start with c=...,r=...");
        }
        byte[] binding = base64(attrs[0].substring(2));
        if (binding == null || !MessageDigest.isEqual(binding, gs2Header.getBytes(StandardCharsets.UTF_8))) {
            return fail(Error.CHANNEL_BINDINGS_DONT_MATCH, "c= is not the GS2 header of the client-first-message");
        }
        if (!attrs[1].substring(2).equals(nonce)) {
            return fail(Error.OTHER_ERROR, "the nonce differs from the one of the server-first-message");
        }
        byte[] proof = base64(text.substring(p + 3));
        if (proof == null || proof.length != mechanism.hashLength()) {
            return fail(Error.INVALID_PROOF, "the proof is not " + mechanism.hashLength() + " bytes of base64");
        }
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
                .getBytes(StandardCharsets.UTF_8);
        // an unknown user is checked against random keys: same work, same answer as a wrong password
        byte[] storedKey = knownUser ? credential.storedKey() : randomBytes(mechanism.hashLength());
        byte[] serverKey = knownUser ? credential.serverKey() : randomBytes(mechanism.hashLength());
        byte[] clientSignature = mechanism.hmac(storedKey, authMessage);
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
        }
        boolean ok = MessageDigest.isEqual(mechanism.hash(clientKey), storedKey);
        Arrays.fill(clientKey, (byte) 0);
        if (!knownUser) {
            return fail(Error.UNKNOWN_USER, "no " + mechanism + " credential for user '" + username + "'");
        }
        if (!ok) {
            return fail(Error.INVALID_PROOF, "wrong password for user '" + username + "'");
        }
        state = State.DONE;
        return new Reply("v=" + Base64.getEncoder().encodeToString(mechanism.hmac(serverKey, authMessage)));
    }

    private Failed fail(Error error, String detail) {
        state = State.DONE;
        return new Failed(error, detail);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String decode(byte[] message) {
        if (message == null || message.length > MAX_MESSAGE_BYTES) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(message)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static byte[] base64(String s) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** printable = %x21-2B / %x2D-7E: ASCII without space and ','. */
    private static boolean printable(String s) {
        return s.chars().allMatch(c -> c >= 0x21 && c <= 0x7E && c != ',');
    }

    /** Decodes a saslname ({@code =2C} is ',', {@code =3D} is '=') and prepares it; null when either fails. */
    private static String saslName(String encoded) {
        StringBuilder b = new StringBuilder(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '=') {
                if (encoded.startsWith("=2C", i)) {
                    b.append(',');
                } else if (encoded.startsWith("=3D", i)) {
                    b.append('=');
                } else {
                    return null;
                }
                i += 2;
            } else {
                b.append(c);
            }
        }
        try {
            return SaslPrep.prepare(b.toString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
