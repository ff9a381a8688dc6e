package dev.tern.tests;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for TLS tests, made with Bouncy Castle: a CA, server certificates for 127.0.0.1/localhost,
 * client certificates, a CRL; written as PEM files in the forms operators have (PKCS#8, PKCS#1, SEC1 EC, encrypted).
 */
final class TlsPki {
    static final String KEY_PASSWORD = "s3cret-key";
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    /** A key and its certificate (chain: the certificate only; the CA is in {@link Ca#pem()}). */
    record Issued(KeyPair keys, X509Certificate certificate) {
        BigInteger serial() {
            return certificate.getSerialNumber();
        }
    }

    /** A certificate authority. */
    static final class Ca {
        final String name;
        final KeyPair keys;
        final X509Certificate certificate;
        private final List<BigInteger> revoked = new ArrayList<>();

        Ca(String name) {
            this.name = name;
            this.keys = ec();
            try {
                X500Name subject = new X500Name("CN=" + name);
                JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
                JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, nextSerial(),
                        Date.from(Instant.now().minus(Duration.ofHours(1))),
                        Date.from(Instant.now().plus(Duration.ofDays(365))), subject, keys.getPublic());
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                b.addExtension(Extension.subjectKeyIdentifier, false,
                        ext.createSubjectKeyIdentifier(keys.getPublic()));
                this.certificate = new JcaX509CertificateConverter().getCertificate(b.build(signer(keys.getPrivate())));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** A server certificate for 127.0.0.1 and localhost; RSA keys unless {@code ecKey}. */
        Issued server(String cn, boolean ecKey) {
            return issue(cn, ecKey ? ec() : rsa(), KeyPurposeId.id_kp_serverAuth,
                    new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "localhost")}));
        }

        /** A client certificate with CN {@code cn} (null: no CN, and {@code san} as a DNS name instead). */
        Issued client(String cn, String san) {
            return issue(cn, ec(), KeyPurposeId.id_kp_clientAuth,
                    san == null ? null : new GeneralNames(new GeneralName(GeneralName.dNSName, san)));
        }

        void revoke(Issued issued) {
            revoked.add(issued.serial());
        }

        private Issued issue(String cn, KeyPair pair, KeyPurposeId purpose, GeneralNames san) {
            try {
                X500Name subject = new X500Name(cn != null ? "O=Tern tests,CN=" + cn : "O=Tern tests");
                JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
                JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, nextSerial(),
                        Date.from(Instant.now().minus(Duration.ofHours(1))),
                        Date.from(Instant.now().plus(Duration.ofDays(30))), subject, pair.getPublic());
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
                b.addExtension(Extension.authorityKeyIdentifier, false,
                        ext.createAuthorityKeyIdentifier(certificate));
                if (san != null) {
                    b.addExtension(Extension.subjectAlternativeName, false, san);
                }
                X509Certificate cert = new JcaX509CertificateConverter()
                        .getCertificate(b.build(signer(keys.getPrivate())));
                return new Issued(pair, cert);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        String pem() {
            return TlsPki.pem(certificate);
        }

        /** A CRL listing the revoked certificates, valid for a day. */
        String crlPem() {
            try {
                X509v2CRLBuilder b = new X509v2CRLBuilder(new X500Name("CN=" + name),
                        Date.from(Instant.now().minus(Duration.ofMinutes(5))));
                b.setNextUpdate(Date.from(Instant.now().plus(Duration.ofDays(1))));
                for (BigInteger serial : revoked) {
                    b.addCRLEntry(serial, Date.from(Instant.now().minus(Duration.ofMinutes(1))),
                            CRLReason.keyCompromise);
                }
                b.addExtension(Extension.authorityKeyIdentifier, false,
                        new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
                X509CRLHolder crl = b.build(signer(keys.getPrivate()));
                return TlsPki.pem(crl);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private TlsPki() {
    }

    static BigInteger nextSerial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ContentSigner signer(PrivateKey key) throws Exception {
        return new JcaContentSignerBuilder(key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA")
                .build(key);
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

    /** PKCS#8, {@code BEGIN PRIVATE KEY}. */
    static String pkcs8(PrivateKey key) {
        try {
            return pem(new JcaPKCS8Generator(key, null));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * PKCS#1 for RSA ({@code BEGIN RSA PRIVATE KEY}); SEC1 for EC ({@code BEGIN EC PRIVATE KEY}) with the curve
     * and the public key in it, as {@code openssl ecparam -genkey} writes it.
     */
    static String traditional(KeyPair pair) {
        if (!pair.getPrivate().getAlgorithm().equals("EC")) {
            return pem(pair.getPrivate());
        }
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
            org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256,
                    ((java.security.interfaces.ECPrivateKey) pair.getPrivate()).getS(), spki.getPublicKeyData(),
                    info.getPrivateKeyAlgorithm().getParameters());
            return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Encrypted PKCS#8 (PBES2, AES-256-CBC), {@code BEGIN ENCRYPTED PRIVATE KEY}. */
    static String encryptedPkcs8(PrivateKey key, String password) {
        try {
            return pem(new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(
                    JcaPKCS8Generator.AES_256_CBC).setProvider(BC).setPassword(password.toCharArray()).build()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** OpenSSL's legacy encrypted PEM ({@code Proc-Type: 4,ENCRYPTED}, {@code DEK-Info}). */
    static String legacyEncrypted(PrivateKey key, String password) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(key, new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(BC)
                    .build(password.toCharArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Writes text to a file via a temporary file and a rename, as deployment tools do. */
    static Path write(Path file, String text) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- client side ----

    /** A client SSL context trusting {@code ca}, presenting {@code client} (null: no certificate). */
    static SSLContext clientContext(String protocol, Ca ca, Issued client) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (client != null) {
                kmf = keyManagers(client);
            }
            SSLContext ctx = SSLContext.getInstance(protocol);
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static TrustManagerFactory trustManagers(Ca ca) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            return tmf;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyManagerFactory keyManagers(Issued client) {
        try {
            char[] pw = "pw".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", client.keys().getPrivate(), pw, new X509Certificate[] {client.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, pw);
            return kmf;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An SSL socket factory whose sockets speak only {@code protocol} (TLSv1.2 or TLSv1.3). */
    static SSLSocketFactory only(SSLContext ctx, String protocol) {
        return new OneProtocolSocketFactory(ctx.getSocketFactory(), protocol);
    }

    /** Delegates, restricting each socket to one protocol. */
    private static final class OneProtocolSocketFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final String protocol;

        OneProtocolSocketFactory(SSLSocketFactory delegate, String protocol) {
            this.delegate = delegate;
            this.protocol = protocol;
        }

        private Socket restrict(Socket s) {
            ((SSLSocket) s).setEnabledProtocols(new String[] {protocol});
            return s;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return restrict(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return restrict(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return restrict(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, java.net.InetAddress localHost, int localPort)
                throws IOException {
            return restrict(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(java.net.InetAddress host, int port) throws IOException {
            return restrict(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress localAddress,
                                   int localPort) throws IOException {
            return restrict(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
