package dev.tern.server.config;

import dev.tern.transport.tls.ClientAuthMode;
import dev.tern.transport.tls.TlsProvider;
import dev.tern.transport.tls.TlsSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The {@code tls} section of a listener of type {@code tls}.
 *
 * @param cert the server's certificate chain, PEM, leaf first
 * @param key the server's private key, PEM (PKCS#8, PKCS#1, SEC1 EC, encrypted PKCS#8 or legacy encrypted PEM)
 * @param keyPassword the password of an encrypted key; null when the key is not encrypted
 * @param ca the CA certificate(s) that sign client certificates, PEM; null = none
 * @param crl revocation list(s) of that CA, PEM; null = none
 * @param clientAuth whether clients must present a certificate
 * @param useIdentityAsUsername the client certificate's CN (or first SAN) becomes the username
 * @param protocols e.g. [TLSv1.3, TLSv1.2]
 * @param ciphers cipher suites (IANA names); empty = the safe defaults
 * @param provider which TLS implementation
 */
public record TlsConfig(Path cert, Path key, String keyPassword, Path ca, Path crl, ClientAuth clientAuth,
                        boolean useIdentityAsUsername, List<String> protocols, List<String> ciphers,
                        Provider provider) {

    /** {@code client-auth}. */
    public enum ClientAuth { NONE, OPTIONAL, REQUIRE }

    /** {@code provider}: OpenSSL when it loads on this platform (auto), or one of them explicitly. */
    public enum Provider { AUTO, OPENSSL, JDK }

    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    public TlsConfig {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(clientAuth, "clientAuth");
        Objects.requireNonNull(provider, "provider");
        protocols = List.copyOf(protocols);
        ciphers = List.copyOf(ciphers);
    }

    /** A certificate and key, everything else at its default (no client certificates, TLS 1.3 and 1.2). */
    public static TlsConfig of(Path cert, Path key) {
        return new TlsConfig(cert, key, null, null, null, ClientAuth.NONE, false, DEFAULT_PROTOCOLS, List.of(),
                Provider.AUTO);
    }

    /** The same settings in the transport's terms. */
    public TlsSettings settings() {
        return new TlsSettings(cert, key, keyPassword, ca, crl, ClientAuthMode.valueOf(clientAuth.name()),
                useIdentityAsUsername, protocols, ciphers, TlsProvider.valueOf(provider.name()));
    }

    @Override
    public String toString() {
        // never print the key password
        return "TlsConfig[cert=" + cert + ", key=" + key + (keyPassword != null ? ", key-password=***" : "")
                + ", ca=" + ca + ", crl=" + crl + ", client-auth=" + clientAuth + ", use-identity-as-username="
                + useIdentityAsUsername + ", protocols=" + protocols + ", ciphers=" + ciphers + ", provider="
                + provider + "]";
    }
}
