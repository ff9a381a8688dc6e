package dev.tern.transport.tls;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a TLS listener is configured with ({@code listeners[].tls} in the configuration file).
 *
 * @param cert the server's certificate chain, PEM, leaf first
 * @param key the server's private key, PEM: PKCS#8, PKCS#1 (RSA), SEC1 (EC), encrypted PKCS#8 or OpenSSL's
 *        legacy encrypted form
 * @param keyPassword the password of an encrypted key; null when the key is not encrypted
 * @param ca certificates that sign client certificates, PEM; null when client certificates are not asked for
 * @param crl certificate revocation lists of that CA, PEM; null = none checked
 * @param clientAuth whether clients are asked for a certificate
 * @param useIdentityAsUsername the verified client certificate's CN (or first SAN) becomes the username
 * @param protocols e.g. TLSv1.3, TLSv1.2; empty = {@link TlsDefaults#PROTOCOLS}
 * @param ciphers cipher suites in Java (IANA) names; empty = {@link TlsDefaults#CIPHERS}
 * @param provider which TLS implementation
 */
public record TlsSettings(Path cert, Path key, String keyPassword, Path ca, Path crl, ClientAuthMode clientAuth,
                          boolean useIdentityAsUsername, List<String> protocols, List<String> ciphers,
                          TlsProvider provider) {
    public TlsSettings {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(clientAuth, "clientAuth");
        Objects.requireNonNull(provider, "provider");
        protocols = List.copyOf(protocols);
        ciphers = List.copyOf(ciphers);
    }

    /** A server certificate and key, everything else at its default. */
    public static TlsSettings of(Path cert, Path key) {
        return new TlsSettings(cert, key, null, null, null, ClientAuthMode.NONE, false, List.of(), List.of(),
                TlsProvider.AUTO);
    }

    /** The protocols in force: the configured ones, or the defaults. */
    public List<String> effectiveProtocols() {
        return protocols.isEmpty() ? TlsDefaults.PROTOCOLS : protocols;
    }

    /** The cipher suites asked for: the configured ones, or the defaults. */
    public List<String> effectiveCiphers() {
        return ciphers.isEmpty() ? TlsDefaults.CIPHERS : ciphers;
    }

    /** The files this listener reads (watched for changes). */
    public List<Path> files() {
        List<Path> out = new ArrayList<>(4);
        out.add(cert);
        out.add(key);
        if (ca != null) {
            out.add(ca);
        }
        if (crl != null) {
            out.add(crl);
        }
        return out;
    }
}
