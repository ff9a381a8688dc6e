package dev.tern.transport.tls;

import java.util.List;

/**
 * Safe defaults: TLS 1.3 and 1.2 only; for TLS 1.2, forward-secret (ECDHE) AEAD suites only: no RSA key exchange,
 * no CBC, no SHA-1 MACs. Every client released in the last ten years speaks at least one of them.
 */
public final class TlsDefaults {
    private TlsDefaults() {
    }

    /** Protocols a listener may be configured with. TLS 1.0 and 1.1 are refused (RFC 8996). */
    public static final List<String> ALLOWED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    public static final List<String> CIPHERS = List.of(
            // TLS 1.3
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            // TLS 1.2
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
}
