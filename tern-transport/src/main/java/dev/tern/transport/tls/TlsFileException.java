package dev.tern.transport.tls;

import java.io.IOException;

/**
 * A certificate, key, CA or CRL file (or a TLS setting) that cannot be used. The message names the file and says
 * what is wrong with it, e.g. {@code /etc/tern/server.key: the key is encrypted; set tls.key-password}.
 */
public final class TlsFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Which setting the problem belongs to: cert, key, key-password, ca, crl, ciphers, protocols; may be null. */
    private final String key;

    public TlsFileException(String key, String message) {
        super(message);
        this.key = key;
    }

    public TlsFileException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The {@code tls} key the problem belongs to ({@code cert}, {@code key}, ...), or null when none in particular. */
    public String key() {
        return key;
    }
}
