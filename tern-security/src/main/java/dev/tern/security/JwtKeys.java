package dev.tern.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys a {@link JwtAuthenticator} accepts signatures from: a shared secret (HS256, HS384, HS512), one public
 * key from a PEM file (RSA: RS256/384/512 and PS256/384/512; EC: ES256/384/512 by curve), or the keys of a JWKS
 * file (RFC 7517), chosen by the token's {@code kid}.
 *
 * <p>Each key accepts only the algorithms of its own type (and, in a JWKS, only its {@code alg} when the key names
 * one), so a token signed with HS256 is never checked with an RSA public key used as an HMAC secret, and
 * {@code alg: none} matches no key at all. Immutable and thread-safe.
 */
public final class JwtKeys {
    static final Set<JWSAlgorithm> HMAC = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512);
    static final Set<JWSAlgorithm> RSA = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);
    /** The shortest HMAC secret: 256 bits, as RFC 7518 section 3.2 requires for HS256. */
    public static final int MIN_SECRET_BYTES = 32;
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");

    /** One key and what it may verify. */
    private record Entry(String kid, Key key, Set<JWSAlgorithm> algorithms) {
    }

    private final String source;
    private final List<Entry> entries;
    private final boolean selectByKid;

    private JwtKeys(String source, List<Entry> entries, boolean selectByKid) {
        this.source = source;
        this.entries = List.copyOf(entries);
        this.selectByKid = selectByKid;
    }

    /** An HMAC secret (its UTF-8 bytes), for HS256 and, when long enough, HS384 and HS512. */
    public static JwtKeys secret(byte[] secret) {
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the secret must be at least " + MIN_SECRET_BYTES + " bytes (256 bits)"
                    + ", is " + secret.length);
        }
        return new JwtKeys("secret", List.of(new Entry(null, new SecretKeySpec(secret, "HmacSHA256"),
                hmacFor(secret.length))), false);
    }

    private static Set<JWSAlgorithm> hmacFor(int bytes) {
        // RFC 7518 3.2: the key must be at least as long as the hash
        return bytes >= 64 ? HMAC : bytes >= 48 ? Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384)
                : Set.of(JWSAlgorithm.HS256);
    }

    /**
     * One public key from a PEM file: {@code BEGIN PUBLIC KEY} (an RSA or EC SubjectPublicKeyInfo, as
     * {@code openssl pkey -pubout} writes) or {@code BEGIN CERTIFICATE} (its public key is used; its dates and issuer
     * are not checked). The token's {@code kid} is not looked at.
     */
    public static JwtKeys loadPem(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        return parsePem(file.toString(), text);
    }

    static JwtKeys parsePem(String source, String text) throws FileFormatException {
        Matcher m = PEM.matcher(text);
        if (!m.find()) {
            throw new FileFormatException(source, 1, "no PEM block found (expected -----BEGIN PUBLIC KEY----- or "
                    + "-----BEGIN CERTIFICATE-----)");
        }
        int line = lineOf(text, m.start());
        String type = m.group(1);
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(source, line, "the " + type + " block is not valid base64");
        }
        PublicKey key;
        try {
            switch (type) {
                case "PUBLIC KEY":
                    key = publicKey(der);
                    break;
                case "CERTIFICATE":
                    key = CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
                    break;
                case "RSA PUBLIC KEY":
                    throw new FileFormatException(source, line, "a PKCS#1 RSA PUBLIC KEY block; convert it with "
                            + "'openssl rsa -RSAPublicKey_in -in FILE -pubout' to a PUBLIC KEY block");
                default:
                    throw new FileFormatException(source, line, "a " + type + " block; expected PUBLIC KEY or "
                            + "CERTIFICATE" + (type.contains("PRIVATE") ? " (give the public key, never the private "
                            + "one: openssl pkey -in KEY -pubout)" : ""));
            }
        } catch (GeneralSecurityException e) {
            throw new FileFormatException(source, line, "cannot read the " + type + ": " + e.getMessage());
        }
        Set<JWSAlgorithm> algorithms = algorithmsFor(key);
        if (algorithms.isEmpty()) {
            throw new FileFormatException(source, line, "unsupported key type " + key.getAlgorithm()
                    + " (expected RSA or EC P-256/P-384/P-521)");
        }
        return new JwtKeys(source, List.of(new Entry(null, key, algorithms)), false);
    }

    private static PublicKey publicKey(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException first = null;
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                first = first == null ? e : first;
            }
        }
        throw new GeneralSecurityException("not an RSA or EC public key", first);
    }

    private static Set<JWSAlgorithm> algorithmsFor(Key key) {
        if (key instanceof RSAPublicKey) {
            return RSA;
        }
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            return curve == null ? Set.of() : ecAlgorithm(curve);
        }
        return Set.of();
    }

    private static Set<JWSAlgorithm> ecAlgorithm(Curve curve) {
        if (Curve.P_256.equals(curve)) {
            return Set.of(JWSAlgorithm.ES256);
        }
        if (Curve.P_384.equals(curve)) {
            return Set.of(JWSAlgorithm.ES384);
        }
        if (Curve.P_521.equals(curve)) {
            return Set.of(JWSAlgorithm.ES512);
        }
        return Set.of();
    }

    /**
     * The keys of a JWKS file ({@code {"keys": [...]}}, as an identity provider publishes at its
     * {@code jwks_uri}). RSA, EC (P-256/384/521) and {@code oct} keys are used; keys with {@code "use": "enc"} and
     * key types Tern cannot verify with (e.g. OKP) are skipped. A file with no usable key is an error. Private key
     * parts, if present, are ignored.
     */
    public static JwtKeys loadJwks(Path file) throws IOException {
        return parseJwks(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    static JwtKeys parseJwks(String source, String json) throws FileFormatException {
        JWKSet set;
        try {
            set = JWKSet.parse(json);
        } catch (ParseException e) {
            throw new FileFormatException(source, 1, "not a JWKS (JSON with a \"keys\" list): " + e.getMessage());
        }
        List<Entry> entries = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            if (KeyUse.ENCRYPTION.equals(jwk.getKeyUse())) {
                continue;
            }
            Key key;
            Set<JWSAlgorithm> algorithms;
            try {
                if (jwk instanceof RSAKey rsa) {
                    key = rsa.toRSAPublicKey();
                    algorithms = RSA;
                } else if (jwk instanceof ECKey ec) {
                    key = ec.toECPublicKey();
                    algorithms = ecAlgorithm(ec.getCurve());
                } else if (jwk instanceof OctetSequenceKey oct) {
                    byte[] secret = oct.toByteArray();
                    key = new SecretKeySpec(secret, "HmacSHA256");
                    algorithms = secret.length < MIN_SECRET_BYTES ? Set.of() : hmacFor(secret.length);
                } else {
                    continue;
                }
            } catch (JOSEException e) {
                throw new FileFormatException(source, 1, "key " + describe(jwk) + ": " + e.getMessage());
            }
            if (jwk.getAlgorithm() != null) {
                JWSAlgorithm named = JWSAlgorithm.parse(jwk.getAlgorithm().getName());
                algorithms = algorithms.contains(named) ? Set.of(named) : Set.of();
            }
            if (!algorithms.isEmpty()) {
                entries.add(new Entry(jwk.getKeyID(), key, algorithms));
            }
        }
        if (entries.isEmpty()) {
            throw new FileFormatException(source, 1, "the JWKS has no key Tern can verify signatures with (RSA, EC "
                    + "P-256/384/521, or oct of at least 32 bytes, not \"use\": \"enc\")");
        }
        return new JwtKeys(source, entries, true);
    }

    private static String describe(JWK jwk) {
        return jwk.getKeyID() != null ? "'" + jwk.getKeyID() + "'" : "of type " + jwk.getKeyType();
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /**
     * The keys that may verify a token with this header: those that accept its {@code alg}; from a JWKS, when the
     * token names a {@code kid}, only the key with that {@code kid}, else every key that accepts the {@code alg}.
     */
    List<Key> select(JWSHeader header) {
        JWSAlgorithm alg = header.getAlgorithm();
        String kid = header.getKeyID();
        List<Key> out = new ArrayList<>(1);
        for (Entry e : entries) {
            if (!e.algorithms.contains(alg)) {
                continue;
            }
            if (selectByKid && kid != null && !kid.equals(e.kid)) {
                continue;
            }
            out.add(e.key);
        }
        return out;
    }

    /** Whether some key accepts {@code alg} at all (for the reason of a refusal). */
    boolean accepts(JWSAlgorithm alg) {
        return entries.stream().anyMatch(e -> e.algorithms.contains(alg));
    }

    /** Whether the keys come from a JWKS, where {@code kid} selects the key. */
    boolean selectsByKid() {
        return selectByKid;
    }

    public int size() {
        return entries.size();
    }

    /** Where the keys come from: the file's path, or {@code secret}. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "JwtKeys[" + source + ", " + entries.size() + " key" + (entries.size() == 1 ? "" : "s") + "]";
    }
}
