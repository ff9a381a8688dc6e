package dev.tern.transport.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/** Which TLS implementation a listener uses ({@code tls.provider}). */
public enum TlsProvider {
    /** OpenSSL (BoringSSL, from netty-tcnative) when its native library loads here, the JDK's otherwise. */
    AUTO,
    /** OpenSSL; refused at start when the native library does not load on this platform. */
    OPENSSL,
    /** The JDK's TLS (SunJSSE). */
    JDK;

    /** The Netty provider this choice means on this machine. */
    public SslProvider resolve() throws TlsFileException {
        return switch (this) {
            case JDK -> SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new TlsFileException(null, "tls.provider: openssl was asked for but the native library "
                            + "does not load on this platform (" + OpenSsl.unavailabilityCause() + "); use auto or "
                            + "jdk");
                }
                yield SslProvider.OPENSSL;
            }
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        };
    }

    /** "OpenSSL (BoringSSL)" or "JDK (Java 17.0.15)", for the log line at start. */
    public static String describe(SslProvider provider) {
        if (provider == SslProvider.JDK) {
            return "JDK (Java " + System.getProperty("java.version") + ")";
        }
        return "OpenSSL (" + OpenSsl.versionString() + ")";
    }

    /** Why {@link #AUTO} would fall back to the JDK here, or null when OpenSSL loads. */
    public static String openSslUnavailableReason() {
        if (OpenSsl.isAvailable()) {
            return null;
        }
        Throwable cause = OpenSsl.unavailabilityCause();
        return cause == null ? "unknown" : String.valueOf(cause.getMessage());
    }
}
