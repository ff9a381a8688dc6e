package dev.tern.security;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.tern.spi.auth.AuthDecision;
import dev.tern.spi.auth.AuthRequest;
import dev.tern.spi.auth.AuthResult;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtAuthenticatorTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(UTF_8); // 32 bytes
    private static final KeyPair RSA_1 = generate("RSA");
    private static final KeyPair RSA_2 = generate("RSA");

    @TempDir
    Path dir;

    private static KeyPair generate(String algorithm) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("RSA")) {
                g.initialize(2048);
            } else {
                g.initialize(new ECGenParameterSpec("secp256r1"));
            }
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Claims valid at NOW: sub alice, exp in 10 minutes. */
    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject("alice").issueTime(Date.from(NOW.minusSeconds(60)))
                .expirationTime(Date.from(NOW.plusSeconds(600)));
    }

    private static String sign(JWSAlgorithm alg, String kid, JWSSigner signer, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).keyID(kid).build(),
                    claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hs256(JWTClaimsSet claims) {
        try {
            return sign(JWSAlgorithm.HS256, null, new MACSigner(SECRET), claims);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String rs256(KeyPair keys, String kid, JWTClaimsSet claims) {
        return sign(JWSAlgorithm.RS256, kid, new RSASSASigner((RSAPrivateKey) keys.getPrivate()), claims);
    }

    private static AuthRequest req(String user, String token) {
        return new AuthRequest("c1", user, token == null ? null : token.getBytes(UTF_8),
                new InetSocketAddress("127.0.0.1", 50000), "tcp");
    }

    private static JwtAuthenticator auth(JwtKeys keys) {
        return auth(keys, s -> { });
    }

    private static JwtAuthenticator auth(JwtKeys keys, Consumer<JwtSettings[]> adjust) {
        JwtSettings[] s = {JwtSettings.defaults()};
        adjust.accept(s);
        return new JwtAuthenticator(s[0], () -> keys, CLOCK);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(UTF_8)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void assertRefused(AuthDecision d, String reason) {
        assertThat(d.result()).isEqualTo(AuthResult.BAD_CREDENTIALS);
        assertThat(d.username()).isNull();
        assertThat(d.validUntil()).isNull();
        assertThat(d.reason()).contains(reason);
    }

    @Test
    void hs256TokenGivesTheSubjectAndTheExpiry() {
        AuthDecision d = auth(JwtKeys.secret(SECRET)).decide(req(null, hs256(claims().build())));
        assertThat(d.result()).isEqualTo(AuthResult.ALLOW);
        assertThat(d.username()).isEqualTo("alice");
        // exp plus the default 30 s of clock skew: the instant a new CONNECT with this token would be refused
        assertThat(d.validUntil()).isEqualTo(NOW.plusSeconds(600 + 30));
    }

    @Test
    void aTokenWithoutExpNeverExpires() {
        AuthDecision d = auth(JwtKeys.secret(SECRET)).decide(req(null, hs256(new JWTClaimsSet.Builder()
                .subject("bob").build())));
        assertThat(d.allowed()).isTrue();
        assertThat(d.validUntil()).isNull();
    }

    @Test
    void rs256WithAPemPublicKeyOrCertificate() throws Exception {
        Path key = dir.resolve("key.pem");
        Files.writeString(key, pem("PUBLIC KEY", RSA_1.getPublic().getEncoded()));
        JwtAuthenticator a = auth(JwtKeys.loadPem(key));
        assertThat(a.decide(req("anything", rs256(RSA_1, null, claims().build()))).username()).isEqualTo("alice");
        // the kid of the token does not matter with a single PEM key
        assertThat(a.decide(req(null, rs256(RSA_1, "some-kid", claims().build()))).allowed()).isTrue();
        assertRefused(a.decide(req(null, rs256(RSA_2, null, claims().build()))), "invalid signature");
    }

    @Test
    void es256WithAPemKey() throws Exception {
        KeyPair ec = generate("EC");
        JwtAuthenticator a = auth(JwtKeys.parsePem("ec.pem", pem("PUBLIC KEY", ec.getPublic().getEncoded())));
        String token = sign(JWSAlgorithm.ES256, null, new ECDSASigner((ECPrivateKey) ec.getPrivate()),
                claims().build());
        assertThat(a.decide(req(null, token)).allowed()).isTrue();
    }

    @Test
    void jwksChoosesTheKeyByKid() throws Exception {
        JWKSet set = new JWKSet(List.of(
                new RSAKey.Builder((RSAPublicKey) RSA_1.getPublic()).keyID("k1").build(),
                new RSAKey.Builder((RSAPublicKey) RSA_2.getPublic()).keyID("k2").build()));
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, set.toString());
        JwtAuthenticator a = auth(JwtKeys.loadJwks(jwks));
        assertThat(a.decide(req(null, rs256(RSA_1, "k1", claims().build()))).allowed()).isTrue();
        assertThat(a.decide(req(null, rs256(RSA_2, "k2", claims().build()))).allowed()).isTrue();
        // signed by key 1 but naming key 2: checked against key 2 only
        assertRefused(a.decide(req(null, rs256(RSA_1, "k2", claims().build()))), "invalid signature");
        assertRefused(a.decide(req(null, rs256(RSA_1, "k3", claims().build()))), "no key with kid 'k3'");
        // no kid: every key of the right type is tried
        assertThat(a.decide(req(null, rs256(RSA_2, null, claims().build()))).allowed()).isTrue();
    }

    @Test
    void jwksSkipsKeysItCannotUseAndHonoursAlg() throws Exception {
        String json = "{\"keys\":["
                + new RSAKey.Builder((RSAPublicKey) RSA_1.getPublic()).keyID("enc")
                        .keyUse(com.nimbusds.jose.jwk.KeyUse.ENCRYPTION).build().toJSONString() + ","
                + new RSAKey.Builder((RSAPublicKey) RSA_2.getPublic()).keyID("ps").algorithm(JWSAlgorithm.PS256)
                        .build().toJSONString() + "]}";
        JwtKeys keys = JwtKeys.parseJwks("jwks", json);
        assertThat(keys.size()).isEqualTo(1);
        JwtAuthenticator a = auth(keys);
        // key "ps" says alg PS256: an RS256 signature by the same key is refused
        assertRefused(a.decide(req(null, rs256(RSA_2, "ps", claims().build()))), "algorithm RS256 not accepted");
        assertThatThrownBy(() -> JwtKeys.parseJwks("jwks", "{\"keys\":[]}"))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("no key Tern can verify");
        assertThatThrownBy(() -> JwtKeys.parseJwks("jwks", "{\"keys\": 5"))
                .isInstanceOf(FileFormatException.class).hasMessageStartingWith("jwks:1: not a JWKS");
    }

    @Test
    void expiredAndNotYetValidTokensAreRefusedBeyondTheSkew() {
        JwtAuthenticator a = auth(JwtKeys.secret(SECRET));
        assertRefused(a.decide(req(null, hs256(claims().expirationTime(Date.from(NOW.minusSeconds(31))).build()))),
                "token expired at");
        // within the skew: accepted, and valid for the rest of the skew
        AuthDecision late = a.decide(req(null, hs256(claims().expirationTime(Date.from(NOW.minusSeconds(29)))
                .build())));
        assertThat(late.allowed()).isTrue();
        assertThat(late.validUntil()).isEqualTo(NOW.plusSeconds(1));
        assertRefused(a.decide(req(null, hs256(claims().notBeforeTime(Date.from(NOW.plusSeconds(31))).build()))),
                "token not valid before");
        assertThat(a.decide(req(null, hs256(claims().notBeforeTime(Date.from(NOW.plusSeconds(29))).build())))
                .allowed()).isTrue();
        JwtAuthenticator strict = auth(JwtKeys.secret(SECRET), s -> s[0] = s[0].withClockSkew(Duration.ZERO));
        assertRefused(strict.decide(req(null, hs256(claims().expirationTime(Date.from(NOW.minusSeconds(1)))
                .build()))), "token expired at");
    }

    @Test
    void aTokenWithoutExpNeverExpiresUnlessExpIsRequired() {
        String forever = hs256(claims().expirationTime(null).build());
        AuthDecision open = auth(JwtKeys.secret(SECRET)).decide(req(null, forever));
        assertThat(open.allowed()).isTrue();
        assertThat(open.validUntil()).as("no end: the connection is never cut for it").isNull();
        JwtAuthenticator requiring = auth(JwtKeys.secret(SECRET), s -> s[0] = s[0].withRequireExpiry(true));
        assertRefused(requiring.decide(req(null, forever)), "no exp claim, and auth.jwt.require-exp is on");
        assertThat(requiring.decide(req(null, hs256(claims().build()))).allowed()).isTrue();
    }

    @Test
    void wrongSignatureIsRefused() throws Exception {
        String token = hs256(claims().build());
        String[] parts = token.split("\\.");
        // same header and signature, another payload
        String forged = parts[0] + "." + Base64URL.encode("{\"sub\":\"root\"}") + "." + parts[2];
        assertRefused(auth(JwtKeys.secret(SECRET)).decide(req(null, forged)), "invalid signature");
        JwtAuthenticator other = auth(JwtKeys.secret("another secret that is long enough!!".getBytes(UTF_8)));
        assertRefused(other.decide(req(null, token)), "invalid signature");
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() {
        JwtAuthenticator a = auth(JwtKeys.secret(SECRET), s -> s[0] = s[0].withIssuer("https://id.example")
                .withAudiences(List.of("mqtt", "tern")));
        assertThat(a.decide(req(null, hs256(claims().issuer("https://id.example").audience("tern").build())))
                .allowed()).isTrue();
        assertThat(a.decide(req(null, hs256(claims().issuer("https://id.example").audience(List.of("x", "mqtt"))
                .build()))).allowed()).isTrue();
        assertRefused(a.decide(req(null, hs256(claims().issuer("https://evil.example").audience("mqtt").build()))),
                "issuer 'https://evil.example', expected 'https://id.example'");
        assertRefused(a.decide(req(null, hs256(claims().audience("mqtt").build()))), "issuer missing");
        assertRefused(a.decide(req(null, hs256(claims().issuer("https://id.example").audience("web").build()))),
                "audience [web], expected mqtt or tern");
        assertRefused(a.decide(req(null, hs256(claims().issuer("https://id.example").build()))), "audience missing");
    }

    @Test
    void algNoneIsRefused() {
        String unsigned = new PlainJWT(claims().build()).serialize();
        assertThat(JwtAuthenticator.looksLikeJwt(unsigned.getBytes(UTF_8))).isTrue();
        assertRefused(auth(JwtKeys.secret(SECRET)).decide(req(null, unsigned)), "alg none");
        // "alg":"none" with a signature part made up: not even a JWT
        String header = Base64URL.encode("{\"alg\":\"none\"}").toString();
        String payload = Base64URL.encode(claims().build().toString()).toString();
        assertRefused(auth(JwtKeys.secret(SECRET)).decide(req(null, header + "." + payload + ".c2ln")),
                "not a JWT");
        // "alg":"NONE" or another name nobody configured: no key accepts it
        String odd = Base64URL.encode("{\"alg\":\"NONE\"}") + "." + payload + ".c2ln";
        assertRefused(auth(JwtKeys.secret(SECRET)).decide(req(null, odd)), "algorithm NONE not accepted");
    }

    @Test
    void hs256TokenAgainstAnRsaKeyIsRefused() throws Exception {
        // the classic confusion attack: HMAC-sign with the (public) RSA key's bytes as the secret
        JwtKeys rsa = JwtKeys.parsePem("key.pem", pem("PUBLIC KEY", RSA_1.getPublic().getEncoded()));
        byte[] publicBytes = pem("PUBLIC KEY", RSA_1.getPublic().getEncoded()).getBytes(UTF_8);
        String confused = sign(JWSAlgorithm.HS256, null, new MACSigner(publicBytes), claims().build());
        assertRefused(auth(rsa).decide(req(null, confused)), "algorithm HS256 not accepted");
        // and the other way round: an RS256 token where only a secret is configured
        assertRefused(auth(JwtKeys.secret(SECRET)).decide(req(null, rs256(RSA_1, null, claims().build()))),
                "algorithm RS256 not accepted");
    }

    @Test
    void theUsernameClaimIsConfigurable() {
        JwtAuthenticator a = auth(JwtKeys.secret(SECRET), s -> s[0] = s[0].withUsernameClaim("client_id"));
        assertThat(a.decide(req(null, hs256(claims().claim("client_id", "dev-7").build()))).username())
                .isEqualTo("dev-7");
        assertRefused(a.decide(req(null, hs256(claims().build()))), "no 'client_id' claim");
        assertRefused(a.decide(req(null, hs256(claims().claim("client_id", 7).build()))), "not a non-empty string");
    }

    @Test
    void authenticateRefusesAConnectUsernameTheTokenDoesNotVouchFor() {
        JwtAuthenticator a = auth(JwtKeys.secret(SECRET));
        String token = hs256(claims().build());
        assertThat(a.authenticate(req(null, token))).isEqualTo(AuthResult.ALLOW);
        assertThat(a.authenticate(req("alice", token))).isEqualTo(AuthResult.ALLOW);
        assertThat(a.authenticate(req("bob", token))).isEqualTo(AuthResult.BAD_CREDENTIALS);
        // decide() names the user, so CONNECT's username does not matter there
        assertThat(a.decide(req("bob", token)).username()).isEqualTo("alice");
    }

    @Test
    void garbageIsRefusedWithoutQuotingIt() {
        JwtAuthenticator a = auth(JwtKeys.secret(SECRET));
        assertRefused(a.decide(req(null, null)), "no token");
        assertRefused(a.decide(req(null, "hunter2")), "not a JWT");
        assertThat(a.decide(req(null, "hunter2")).reason()).doesNotContain("hunter2");
    }

    @Test
    void looksLikeJwt() {
        assertThat(JwtAuthenticator.looksLikeJwt(hs256(claims().build()).getBytes(UTF_8))).isTrue();
        for (String s : new String[] {"secret", "a.b.c", "x.y", "pass word.a.b", "", "...."}) {
            assertThat(JwtAuthenticator.looksLikeJwt(s.getBytes(UTF_8))).as(s).isFalse();
        }
        assertThat(JwtAuthenticator.looksLikeJwt(null)).isFalse();
    }

    @Test
    void pemProblemsNameTheFileAndLine() {
        assertThatThrownBy(() -> JwtKeys.parsePem("k.pem", "nothing here"))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("k.pem:1: no PEM block");
        assertThatThrownBy(() -> JwtKeys.parsePem("k.pem", "# comment\n" + pem("PRIVATE KEY",
                RSA_1.getPrivate().getEncoded())))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("k.pem:2:")
                .hasMessageContaining("never the private one");
        assertThatThrownBy(() -> JwtKeys.secret("short".getBytes(UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 32 bytes");
    }

    @Test
    void aReplacedKeyFileIsPickedUpOnReload() throws Exception {
        Path key = dir.resolve("key.pem");
        Files.writeString(key, pem("PUBLIC KEY", RSA_1.getPublic().getEncoded()));
        ReloadingFile<JwtKeys> keys = ReloadingFile.load(key, JwtKeys::loadPem);
        JwtAuthenticator a = new JwtAuthenticator(JwtSettings.defaults(), keys, CLOCK);
        String byKey1 = rs256(RSA_1, null, claims().build());
        String byKey2 = rs256(RSA_2, null, claims().build());
        assertThat(a.decide(req(null, byKey1)).allowed()).isTrue();
        Files.writeString(key, pem("PUBLIC KEY", RSA_2.getPublic().getEncoded()));
        Files.setLastModifiedTime(key, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(keys.reload()).isEmpty();
        assertThat(a.decide(req(null, byKey1)).allowed()).isFalse();
        assertThat(a.decide(req(null, byKey2)).allowed()).isTrue();
        // a broken file is refused and the key in force stays
        Files.writeString(key, "-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----\n");
        assertThat(keys.reload()).isPresent();
        assertThat(a.decide(req(null, byKey2)).allowed()).isTrue();
    }

    @Test
    void tokensAndPasswordsSideBySide() throws Exception {
        PasswordFile passwords = PasswordFile.parse("pw", "carol:" + PasswordFile.hash("carol-pw".getBytes(UTF_8)));
        TokenOrPasswordAuthenticator a = new TokenOrPasswordAuthenticator(auth(JwtKeys.secret(SECRET)),
                new FileAuthenticator(passwords, false));
        assertThat(a.decide(req("carol", "carol-pw")).allowed()).isTrue();
        assertThat(a.decide(req("carol", "wrong")).result()).isEqualTo(AuthResult.BAD_CREDENTIALS);
        AuthDecision token = a.decide(req(null, hs256(claims().build())));
        assertThat(token.username()).isEqualTo("alice");
        assertThat(token.validUntil()).isNotNull();
        // a bad token is refused by the JWT check, not tried as a password
        AuthDecision expired = a.decide(req("carol", hs256(claims().expirationTime(Date.from(NOW.minusSeconds(600)))
                .build())));
        assertThat(expired.reason()).contains("expired");
        assertThat(a.decide(req(null, null)).result()).isEqualTo(AuthResult.NOT_AUTHORIZED);
    }
}
