package dev.tern.tests.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of one SCRAM-SHA-256 / SCRAM-SHA-512 exchange (RFC 5802, no channel binding), written from the
 * RFC with the JDK's Mac, MessageDigest and PBKDF2, independent of the broker's implementation. ASCII user names
 * and passwords only (SASLprep leaves them as they are; names without ',' or '=').
 */
public final class ScramClient {
    private final String mechanism;
    private final String hash;
    private final int bits;
    private final String user;
    private final String password;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    private ScramClient(String mechanism, String hash, int bits, String user, String password) {
        this.mechanism = mechanism;
        this.hash = hash;
        this.bits = bits;
        this.user = user;
        this.password = password;
        byte[] nonce = new byte[18];
        new SecureRandom().nextBytes(nonce);
        this.clientNonce = Base64.getEncoder().encodeToString(nonce);
    }

    public static ScramClient sha256(String user, String password) {
        return new ScramClient("SCRAM-SHA-256", "SHA256", 256, user, password);
    }

    public static ScramClient sha512(String user, String password) {
        return new ScramClient("SCRAM-SHA-512", "SHA512", 512, user, password);
    }

    /** The Authentication Method: {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}. */
    public String mechanism() {
        return mechanism;
    }

    /** client-first-message: {@code n,,n=user,r=nonce}. */
    public byte[] clientFirst() {
        clientFirstBare = "n=" + user + ",r=" + clientNonce;
        return ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    /** client-final-message with the proof, for the server-first-message {@code r=...,s=...,i=...}. */
    public byte[] clientFinal(byte[] serverFirstBytes) {
        String serverFirst = new String(serverFirstBytes, StandardCharsets.UTF_8);
        String nonce = null;
        byte[] salt = null;
        int iterations = 0;
        for (String part : serverFirst.split(",")) {
            if (part.startsWith("r=")) {
                nonce = part.substring(2);
            } else if (part.startsWith("s=")) {
                salt = Base64.getDecoder().decode(part.substring(2));
            } else if (part.startsWith("i=")) {
                iterations = Integer.parseInt(part.substring(2));
            }
        }
        if (nonce == null || !nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()
                || salt == null || iterations < 4096) {
            throw new IllegalArgumentException("bad server-first-message: " + serverFirst);
        }
        try {
            SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmac" + hash);
            byte[] salted = pbkdf2.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, bits))
                    .getEncoded();
            byte[] clientKey = hmac(salted, "Client Key");
            byte[] storedKey = MessageDigest.getInstance(hash.replace("SHA", "SHA-")).digest(clientKey);
            String withoutProof = "c=biws,r=" + nonce;
            String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
            byte[] proof = hmac(storedKey, authMessage);
            for (int i = 0; i < proof.length; i++) {
                proof[i] ^= clientKey[i];
            }
            expectedServerSignature = hmac(hmac(salted, "Server Key"), authMessage);
            return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof))
                    .getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when the server-final-message is {@code v=} with the signature only a server knowing the key makes. */
    public boolean verifyServerFinal(byte[] serverFinal) {
        return serverFinal != null && expectedServerSignature != null
                && new String(serverFinal, StandardCharsets.UTF_8)
                        .equals("v=" + Base64.getEncoder().encodeToString(expectedServerSignature));
    }

    private byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("Hmac" + hash);
        mac.init(new SecretKeySpec(key, "Hmac" + hash));
        return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }
}
