package dev.tern.transport.tls;

/** Whether a TLS listener asks connecting clients for a certificate ({@code tls.client-auth}). */
public enum ClientAuthMode {
    /** No client certificate is requested. */
    NONE,
    /** A certificate is requested; a client without one still connects, one with a bad one is refused. */
    OPTIONAL,
    /** A client without a certificate that chains to the CA (and is not revoked) is refused at the handshake. */
    REQUIRE
}
