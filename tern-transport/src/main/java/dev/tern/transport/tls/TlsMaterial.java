package dev.tern.transport.tls;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The parsed, cross-checked contents of a TLS listener's files.
 *
 * @param chain the server's certificate chain, leaf first
 * @param key the server's private key, checked to belong to the leaf certificate
 * @param ca the trusted issuers of client certificates; empty when no CA file is set
 * @param crls revocation lists, each checked to be signed by one of {@code ca}; empty when no CRL file is set
 * @param warnings things that do not stop the listener but will bite (an expired certificate, a stale CRL)
 */
public record TlsMaterial(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> ca,
                          List<X509CRL> crls, List<String> warnings) {
    public TlsMaterial {
        chain = List.copyOf(chain);
        ca = List.copyOf(ca);
        crls = List.copyOf(crls);
        warnings = List.copyOf(warnings);
    }

    /** Reads and checks every file of the settings; the exception names the file and the problem. */
    public static TlsMaterial load(TlsSettings settings) throws TlsFileException {
        List<X509Certificate> chain = PemFiles.readCertificates(settings.cert(), "cert");
        char[] password = settings.keyPassword() == null ? null : settings.keyPassword().toCharArray();
        PrivateKey key = PemFiles.readPrivateKey(settings.key(), "key", password);
        X509Certificate leaf = chain.get(0);
        if (!belongsTo(key, leaf.getPublicKey())) {
            throw new TlsFileException("key", settings.key() + ": this private key does not belong to the "
                    + "certificate in " + settings.cert() + " (" + leaf.getSubjectX500Principal().getName()
                    + "); the first certificate of tls.cert must be the one issued for this key");
        }
        List<String> warnings = new ArrayList<>();
        Date now = new Date();
        if (leaf.getNotAfter().before(now)) {
            warnings.add(settings.cert() + ": the certificate expired on " + leaf.getNotAfter().toInstant()
                    + "; clients that check it will refuse to connect");
        } else if (leaf.getNotBefore().after(now)) {
            warnings.add(settings.cert() + ": the certificate is not valid before "
                    + leaf.getNotBefore().toInstant());
        }
        List<X509Certificate> ca = settings.ca() == null ? List.of()
                : PemFiles.readCertificates(settings.ca(), "ca");
        List<X509CRL> crls = List.of();
        if (settings.crl() != null) {
            crls = PemFiles.readCrls(settings.crl(), "crl");
            for (X509CRL crl : crls) {
                if (!signedByOneOf(crl, ca)) {
                    throw new TlsFileException("crl", settings.crl() + ": the CRL of "
                            + crl.getIssuerX500Principal().getName() + " is not signed by a certificate in "
                            + (settings.ca() == null ? "tls.ca (not set)" : settings.ca()));
                }
                if (crl.getNextUpdate() != null && crl.getNextUpdate().before(now)) {
                    warnings.add(settings.crl() + ": the CRL of " + crl.getIssuerX500Principal().getName()
                            + " was due for an update on " + crl.getNextUpdate().toInstant()
                            + "; until it is replaced, client certificates of that CA are refused");
                }
            }
        }
        return new TlsMaterial(chain, key, ca, crls, warnings);
    }

    /** The server certificate (leaf of the chain). */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    private static boolean signedByOneOf(X509CRL crl, List<X509Certificate> issuers) {
        for (X509Certificate issuer : issuers) {
            if (!issuer.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
                continue;
            }
            try {
                crl.verify(issuer.getPublicKey());
                return true;
            } catch (GeneralSecurityException e) {
                // try the next one with this name
            }
        }
        return false;
    }

    /** Whether the private key is the one of the public key: a signature made with it verifies. */
    static boolean belongsTo(PrivateKey key, PublicKey publicKey) {
        if (key instanceof RSAKey rsa && publicKey instanceof RSAKey rsaPublic) {
            return rsa.getModulus().equals(rsaPublic.getModulus());
        }
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            case "DSA" -> "SHA256withDSA";
            default -> null;
        };
        if (algorithm == null) {
            return true; // a kind of key we cannot check here; the handshake will tell
        }
        try {
            byte[] data = new byte[32];
            new SecureRandom().nextBytes(data);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(data);
            byte[] sig = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(data);
            return verifier.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "TlsMaterial[" + certificate().getSubjectX500Principal().getName() + ", serial "
                + certificate().getSerialNumber().toString(16) + "]";
    }
}
