package dev.tern.transport.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.EncryptionException;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads the PEM files of a TLS listener. Every failure is a {@link TlsFileException} whose message names the file
 * and says what is wrong, in words an operator can act on.
 *
 * <p>Bouncy Castle's PEM parser is used because operators have keys in every form OpenSSL ever wrote: PKCS#8
 * ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}), SEC1 ({@code BEGIN EC PRIVATE KEY}),
 * encrypted PKCS#8 ({@code BEGIN ENCRYPTED PRIVATE KEY}) and the legacy encrypted PEM with a {@code DEK-Info}
 * header. The Bouncy Castle provider is used as an object for decryption only; it is not registered globally.
 */
public final class PemFiles {
    private static final String KEY_FORMS = "BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY, BEGIN EC PRIVATE KEY or "
            + "BEGIN ENCRYPTED PRIVATE KEY";

    private PemFiles() {
    }

    /** The provider used to decrypt keys (PBES2 with every PRF and cipher OpenSSL uses, and legacy PEM). */
    private static final class Bc {
        static final Provider PROVIDER = new BouncyCastleProvider();
    }

    /** The certificates of a PEM file, in file order (for a chain: leaf first). At least one. */
    public static List<X509Certificate> readCertificates(Path file, String key) throws TlsFileException {
        List<Object> objects = readObjects(file, key);
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object o : objects) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    out.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new TlsFileException(key, file + ": a certificate cannot be read: " + e.getMessage(), e);
                }
            }
        }
        if (out.isEmpty()) {
            throw new TlsFileException(key, file + ": no certificate found (expected a PEM block "
                    + "'-----BEGIN CERTIFICATE-----'" + foundSuffix(objects) + ")");
        }
        return out;
    }

    /** The certificate revocation lists of a PEM file. At least one. */
    public static List<X509CRL> readCrls(Path file, String key) throws TlsFileException {
        List<Object> objects = readObjects(file, key);
        List<X509CRL> out = new ArrayList<>();
        JcaX509CRLConverter converter = new JcaX509CRLConverter();
        for (Object o : objects) {
            if (o instanceof X509CRLHolder holder) {
                try {
                    out.add(converter.getCRL(holder));
                } catch (CRLException e) {
                    throw new TlsFileException(key, file + ": a CRL cannot be read: " + e.getMessage(), e);
                }
            }
        }
        if (out.isEmpty()) {
            throw new TlsFileException(key, file + ": no certificate revocation list found (expected a PEM block "
                    + "'-----BEGIN X509 CRL-----'" + foundSuffix(objects) + ")");
        }
        return out;
    }

    /**
     * The private key of a PEM file (the first one; a file that also holds certificates is fine).
     *
     * @param password the password of an encrypted key, null when there is none
     */
    public static PrivateKey readPrivateKey(Path file, String key, char[] password) throws TlsFileException {
        List<Object> objects = readObjects(file, key);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object o : objects) {
            try {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    // PKCS#1 or SEC1; the public half of a SEC1 key is optional, so only the private one is used
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                    requirePassword(file, password);
                    InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder()
                            .setProvider(Bc.PROVIDER).build(password);
                    return converter.getPrivateKey(encrypted.decryptPrivateKeyInfo(decryptor));
                }
                if (o instanceof PEMEncryptedKeyPair encrypted) {
                    requirePassword(file, password);
                    return converter.getPrivateKey(encrypted.decryptKeyPair(
                            new JcePEMDecryptorProviderBuilder().setProvider(Bc.PROVIDER).build(password))
                            .getPrivateKeyInfo());
                }
            } catch (TlsFileException e) {
                throw e;
            } catch (PKCSException | EncryptionException e) {
                throw new TlsFileException("key-password", file + ": cannot decrypt the key with tls.key-password "
                        + "(wrong password?)", e);
            } catch (OperatorCreationException e) {
                throw new TlsFileException(key, file + ": the key is encrypted with an algorithm that is not "
                        + "supported: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new TlsFileException(key, file + ": the key cannot be read: " + message(e), e);
            }
        }
        throw new TlsFileException(key, file + ": no private key found (expected a PEM block like " + KEY_FORMS
                + foundSuffix(objects) + ")");
    }

    private static void requirePassword(Path file, char[] password) throws TlsFileException {
        if (password == null) {
            throw new TlsFileException("key", file + ": the key is encrypted; set tls.key-password");
        }
    }

    private static List<Object> readObjects(Path file, String key) throws TlsFileException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsFileException(key, file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new TlsFileException(key, file + ": cannot read it (check its permissions)", e);
        } catch (IOException e) {
            throw new TlsFileException(key, file + ": cannot read it: " + e.getMessage(), e);
        }
        if (bytes.length == 0) {
            throw new TlsFileException(key, file + ": the file is empty");
        }
        if (bytes[0] == 0x30) {
            throw new TlsFileException(key, file + ": this is a binary (DER) file; PEM is expected (convert it with "
                    + "openssl, e.g. 'openssl x509 -inform der -in FILE -out FILE.pem')");
        }
        List<Object> out = new ArrayList<>();
        try (Reader reader = new java.io.StringReader(new String(bytes, StandardCharsets.US_ASCII));
             PEMParser parser = new PEMParser(reader)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                out.add(o);
            }
        } catch (IOException | RuntimeException e) {
            throw new TlsFileException(key, file + ": not valid PEM: " + message(e), e);
        }
        if (out.isEmpty()) {
            throw new TlsFileException(key, file + ": no PEM block found (expected lines like '-----BEGIN "
                    + (key != null && key.equals("key") ? "PRIVATE KEY" : "CERTIFICATE") + "-----')");
        }
        return out;
    }

    private static String foundSuffix(List<Object> objects) {
        List<String> kinds = new ArrayList<>();
        for (Object o : objects) {
            String kind = describe(o);
            if (!kinds.contains(kind)) {
                kinds.add(kind);
            }
        }
        return "; found: " + String.join(", ", kinds);
    }

    private static String describe(Object o) {
        if (o instanceof X509CertificateHolder) {
            return "certificate";
        }
        if (o instanceof X509CRLHolder) {
            return "CRL";
        }
        if (o instanceof PrivateKeyInfo || o instanceof PEMKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo
                || o instanceof PEMEncryptedKeyPair) {
            return "private key";
        }
        if (o instanceof ASN1ObjectIdentifier || o instanceof X9ECParameters) {
            return "EC parameters";
        }
        if (o instanceof org.bouncycastle.asn1.x509.SubjectPublicKeyInfo) {
            return "public key";
        }
        if (o instanceof org.bouncycastle.pkcs.PKCS10CertificationRequest) {
            return "certificate request";
        }
        return o.getClass().getSimpleName();
    }

    /** The innermost message of an exception chain, for a one-line reason. */
    static String message(Throwable e) {
        Throwable t = e;
        String msg = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                msg = t.getMessage();
            }
        }
        return msg != null ? msg : e.getClass().getSimpleName();
    }
}
