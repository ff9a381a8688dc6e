package dev.tern.server.config;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates, keys and CRLs made for configuration tests, written as PEM files. */
final class TestCertificates {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    final KeyPair caKeys = ec();
    final X509Certificate ca = certificate("CN=Config Test CA", caKeys, "CN=Config Test CA", caKeys, true);
    final KeyPair serverKeys = ec();
    final X509Certificate server = certificate("CN=localhost", serverKeys, "CN=Config Test CA", caKeys, false);

    static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static X509Certificate certificate(String subject, KeyPair keys, String issuer, KeyPair issuerKeys,
                                       boolean ca) {
        try {
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(Instant.now().minusSeconds(60)),
                    Date.from(Instant.now().plus(Duration.ofDays(1))), new X500Name(subject), keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CRL signed by {@code signer} in the name of the CA. */
    String crl(KeyPair signer) {
        try {
            X509v2CRLBuilder b = new X509v2CRLBuilder(new X500Name("CN=Config Test CA"), new Date());
            b.setNextUpdate(Date.from(Instant.now().plus(Duration.ofDays(1))));
            return pem(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static String pkcs8(PrivateKey key) {
        try {
            return pem(new JcaPKCS8Generator(key, null));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String encrypted(PrivateKey key, String password) {
        try {
            return pem(new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                    .setProvider(new BouncyCastleProvider()).setPassword(password.toCharArray()).build()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
