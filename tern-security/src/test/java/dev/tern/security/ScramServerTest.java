package dev.tern.security;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.security.ScramServer.Error;
import dev.tern.security.ScramServer.Failed;
import dev.tern.security.ScramServer.Outcome;
import dev.tern.security.ScramServer.Reply;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The SCRAM mechanism against the RFCs' examples, and every way an exchange can fail. */
class ScramServerTest {
    private static final byte[] NO_SALT = new byte[16];

    private static ScramServer server(ScramMechanism m, Map<String, ScramCredential> users, String serverNonce) {
        return new ScramServer(m, users::get, u -> NO_SALT, () -> serverNonce);
    }

    private static String reply(Outcome o) {
        assertThat(o).isInstanceOf(Reply.class);
        return ((Reply) o).message();
    }

    private static Failed failed(Outcome o, Error error) {
        assertThat(o).isInstanceOf(Failed.class);
        Failed f = (Failed) o;
        assertThat(f.error()).as(f.detail()).isEqualTo(error);
        return f;
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    /** RFC 7677 section 3: SCRAM-SHA-256, user "user", password "pencil". */
    @Test
    void rfc7677TestVector() {
        ScramCredential pencil = ScramCredential.derive(ScramMechanism.SHA_256, "pencil",
                Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        ScramServer s = server(ScramMechanism.SHA_256, Map.of("user", pencil), "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
        assertThat(reply(s.clientFirst(b("n,,n=user,r=rOprNGfwEbeRWgbNEkqO")))).isEqualTo(
                "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
        assertThat(reply(s.clientFinal(b("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="))))
                .isEqualTo("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
        assertThat(s.username()).isEqualTo("user");
    }

    /** RFC 5802 section 5: the same exchange with SHA-1. */
    @Test
    void rfc5802Example() {
        ScramCredential pencil = ScramCredential.derive(ScramMechanism.SHA_1, "pencil",
                Base64.getDecoder().decode("QSXCR+Q6sek8bf92"), 4096);
        ScramServer s = server(ScramMechanism.SHA_1, Map.of("user", pencil), "3rfcNHYJY1ZVvWVs7j");
        assertThat(reply(s.clientFirst(b("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL")))).isEqualTo(
                "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096");
        assertThat(reply(s.clientFinal(b("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                + "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=")))).isEqualTo("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
    }

    /**
     * A client written from RFC 5802's formulas, with the JDK's PBKDF2 for Hi (not the server's code), for
     * SCRAM-SHA-512, which has no published example.
     */
    static final class TestClient {
        final ScramMechanism m;
        final String gs2;
        final String bare;
        String serverSignature;

        TestClient(ScramMechanism m, String gs2, String user, String nonce) {
            this.m = m;
            this.gs2 = gs2;
            this.bare = "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r=" + nonce;
        }

        byte[] first() {
            return b(gs2 + bare);
        }

        byte[] last(String serverFirst, String password) throws Exception {
            Map<String, String> a = new java.util.HashMap<>();
            for (String kv : serverFirst.split(",")) {
                a.put(kv.substring(0, 1), kv.substring(2));
            }
            String bits = m == ScramMechanism.SHA_512 ? "512" : m == ScramMechanism.SHA_256 ? "256" : "1";
            String hmac = "HmacSHA" + bits;
            byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA" + bits).generateSecret(new PBEKeySpec(
                    password.toCharArray(), Base64.getDecoder().decode(a.get("s")), Integer.parseInt(a.get("i")),
                    m.hashLength() * 8)).getEncoded();
            String withoutProof = "c=" + Base64.getEncoder().encodeToString(b(gs2)) + ",r=" + a.get("r");
            byte[] authMessage = b(bare + "," + serverFirst + "," + withoutProof);
            byte[] clientKey = mac(hmac, salted, b("Client Key"));
            byte[] storedKey = java.security.MessageDigest.getInstance("SHA-" + bits).digest(clientKey);
            byte[] signature = mac(hmac, storedKey, authMessage);
            byte[] proof = new byte[clientKey.length];
            for (int i = 0; i < proof.length; i++) {
                proof[i] = (byte) (clientKey[i] ^ signature[i]);
            }
            serverSignature = "v=" + Base64.getEncoder().encodeToString(mac(hmac, mac(hmac, salted,
                    b("Server Key")), authMessage));
            return b(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof));
        }

        private static byte[] mac(String alg, byte[] key, byte[] data) throws Exception {
            Mac mac = Mac.getInstance(alg);
            mac.init(new SecretKeySpec(key, alg));
            return mac.doFinal(data);
        }
    }

    @Test
    void sha512RoundTripWithAnIndependentClient() throws Exception {
        ScramCredential cred = ScramCredential.create(ScramMechanism.SHA_512, "s3cret pass", 4096);
        ScramServer s = new ScramServer(ScramMechanism.SHA_512, Map.of("alice", cred)::get, u -> NO_SALT);
        TestClient c = new TestClient(ScramMechanism.SHA_512, "n,,", "alice", "abcdefghijkl");
        String serverFirst = reply(s.clientFirst(c.first()));
        assertThat(serverFirst).startsWith("r=abcdefghijkl").contains(",i=4096");
        assertThat(reply(s.clientFinal(c.last(serverFirst, "s3cret pass")))).isEqualTo(c.serverSignature);
    }

    @Test
    void yFlagIsAcceptedAndBindsItsOwnHeader() throws Exception {
        ScramCredential cred = ScramCredential.create(ScramMechanism.SHA_256, "pw", 4096);
        ScramServer s = new ScramServer(ScramMechanism.SHA_256, Map.of("u", cred)::get, u -> NO_SALT);
        TestClient c = new TestClient(ScramMechanism.SHA_256, "y,,", "u", "n0nce");
        String serverFirst = reply(s.clientFirst(c.first()));
        assertThat(reply(s.clientFinal(c.last(serverFirst, "pw")))).isEqualTo(c.serverSignature);
        // c= must be the header actually sent: "y,," announced, "n,," (biws) claimed
        ScramServer s2 = new ScramServer(ScramMechanism.SHA_256, Map.of("u", cred)::get, u -> NO_SALT, () -> "S");
        reply(s2.clientFirst(b("y,,n=u,r=x")));
        failed(s2.clientFinal(b("c=biws,r=xS,p=" + Base64.getEncoder().encodeToString(new byte[32]))),
                Error.CHANNEL_BINDINGS_DONT_MATCH);
    }

    @Test
    void channelBindingIsRefused() {
        ScramServer s = server(ScramMechanism.SHA_256, Map.of(), "S");
        Failed f = failed(s.clientFirst(b("p=tls-unique,,n=user,r=abc")), Error.CHANNEL_BINDING_NOT_SUPPORTED);
        assertThat(f.serverError()).isEqualTo("e=channel-binding-not-supported");
    }

    @Test
    void wrongPasswordAndBadProofFail() throws Exception {
        ScramCredential cred = ScramCredential.create(ScramMechanism.SHA_256, "right", 4096);
        ScramServer s = new ScramServer(ScramMechanism.SHA_256, Map.of("u", cred)::get, u -> NO_SALT);
        TestClient c = new TestClient(ScramMechanism.SHA_256, "n,,", "u", "abc");
        String serverFirst = reply(s.clientFirst(c.first()));
        Failed f = failed(s.clientFinal(c.last(serverFirst, "wrong")), Error.INVALID_PROOF);
        assertThat(f.detail()).doesNotContain("wrong\"").contains("user 'u'");
        // a proof of the wrong length
        ScramServer s2 = new ScramServer(ScramMechanism.SHA_256, Map.of("u", cred)::get, u -> NO_SALT, () -> "S");
        reply(s2.clientFirst(b("n,,n=u,r=abc")));
        failed(s2.clientFinal(b("c=biws,r=abcS,p=AAAA")), Error.INVALID_PROOF);
        // nothing more after a failure
        failed(s2.clientFinal(b("c=biws,r=abcS,p=AAAA")), Error.OTHER_ERROR);
    }

    @Test
    void nonceMismatchFails() throws Exception {
        ScramCredential cred = ScramCredential.create(ScramMechanism.SHA_256, "pw", 4096);
        ScramServer s = new ScramServer(ScramMechanism.SHA_256, Map.of("u", cred)::get, u -> NO_SALT, () -> "SRV");
        reply(s.clientFirst(b("n,,n=u,r=abc")));
        TestClient c = new TestClient(ScramMechanism.SHA_256, "n,,", "u", "abc");
        // a correct proof over a server-first whose nonce the client changed
        byte[] last = c.last("r=abcOTHER,s=" + Base64.getEncoder().encodeToString(cred.salt()) + ",i=4096", "pw");
        Failed f = failed(s.clientFinal(last), Error.OTHER_ERROR);
        assertThat(f.detail()).contains("nonce");
    }

    @Test
    void anUnknownUserLooksLikeAKnownOneUntilTheProof() throws Exception {
        Function<String, byte[]> decoy = u -> java.util.Arrays.copyOf(b(u + "-salt-salt-salt"), 16);
        ScramServer s = new ScramServer(ScramMechanism.SHA_256, u -> null, decoy, () -> "S");
        String serverFirst = reply(s.clientFirst(b("n,,n=nobody,r=abc")));
        assertThat(serverFirst).isEqualTo("r=abcS,s=" + Base64.getEncoder().encodeToString(decoy.apply("nobody"))
                + ",i=4096");
        TestClient c = new TestClient(ScramMechanism.SHA_256, "n,,", "nobody", "abc");
        Failed f = failed(s.clientFinal(c.last(serverFirst, "guess")), Error.UNKNOWN_USER);
        assertThat(f.error().isCredentialFailure()).isTrue();
        // a user who has only the other mechanism is unknown here too
        ScramCredential only512 = ScramCredential.create(ScramMechanism.SHA_512, "pw", 4096);
        ScramServer s2 = new ScramServer(ScramMechanism.SHA_256, Map.of("u", only512)::get, decoy, () -> "S");
        assertThat(reply(s2.clientFirst(b("n,,n=u,r=abc")))).contains(",i=4096");
    }

    @Test
    void malformedClientFirstMessages() {
        record Case(String message, Error error) {
        }
        for (Case c : new Case[] {
            new Case("n=user,r=abc", Error.OTHER_ERROR),                // no GS2 header
            new Case("x,,n=user,r=abc", Error.OTHER_ERROR),             // bad flag
            new Case("n,,m=ext,n=user,r=abc", Error.EXTENSIONS_NOT_SUPPORTED),
            new Case("n,,r=abc,n=user", Error.OTHER_ERROR),             // order
            new Case("n,,n=user", Error.OTHER_ERROR),                   // no nonce
            new Case("n,,n=user,r=", Error.OTHER_ERROR),                // empty nonce
            new Case("n,,n=user,r=a b", Error.OTHER_ERROR),             // space in the nonce
            new Case("n,,n=us=er,r=abc", Error.INVALID_USERNAME_ENCODING),
            new Case("n,,n=us\u0007er,r=abc", Error.INVALID_USERNAME_ENCODING),
            new Case("n,,n=,r=abc", Error.INVALID_USERNAME_ENCODING),
            new Case("n,a=admin,n=user,r=abc", Error.OTHER_ERROR),      // acting as someone else
        }) {
            failed(server(ScramMechanism.SHA_256, Map.of(), "S").clientFirst(b(c.message)), c.error);
        }
        failed(server(ScramMechanism.SHA_256, Map.of(), "S").clientFirst(new byte[] {'n', ',', ',', (byte) 0xC3}),
                Error.INVALID_ENCODING);
        failed(server(ScramMechanism.SHA_256, Map.of(), "S").clientFirst(new byte[ScramServer.MAX_MESSAGE_BYTES + 1]),
                Error.INVALID_ENCODING);
        // out of order
        failed(server(ScramMechanism.SHA_256, Map.of(), "S").clientFinal(b("c=biws,r=x,p=AAAA")), Error.OTHER_ERROR);
    }

    @Test
    void userNamesAreDecodedAndPrepared() throws Exception {
        ScramCredential cred = ScramCredential.create(ScramMechanism.SHA_256, "pw", 4096);
        Map<String, ScramCredential> users = Map.of("a,b=c", cred, "user", cred);
        ScramServer s = new ScramServer(ScramMechanism.SHA_256, users::get, u -> NO_SALT, () -> "S");
        reply(s.clientFirst(b("n,a=a=2Cb=3Dc,n=a=2Cb=3Dc,r=abc")));
        assertThat(s.username()).isEqualTo("a,b=c");
        // a soft hyphen maps to nothing: "us\u00ADer" is "user"
        ScramServer s2 = new ScramServer(ScramMechanism.SHA_256, users::get, u -> NO_SALT, () -> "S");
        reply(s2.clientFirst(b("n,,n=us\u00ADer,r=abc")));
        assertThat(s2.username()).isEqualTo("user");
    }

    @Test
    void clientFinalNeedsItsParts() throws Exception {
        for (String last : new String[] {"c=biws,r=abcS", "r=abcS,c=biws,p=AAAA", "c=!!,r=abcS,p=AAAA"}) {
            ScramServer s = server(ScramMechanism.SHA_256, Map.of(), "S");
            reply(s.clientFirst(b("n,,n=user,r=abc")));
            assertThat(s.clientFinal(b(last))).as(last).isInstanceOf(Failed.class);
        }
    }
}
