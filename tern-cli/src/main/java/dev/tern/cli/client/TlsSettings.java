package dev.tern.cli.client;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * TLS for a client connection ({@code --cafile --cert --key --insecure}): the server certificate is checked against
 * the CA file (the JDK's trusted certificates when there is none: {@code mqtts://} URLs, {@code --tls-use-os-certs}),
 * and its host name against the host connected to unless {@code insecure}; a client certificate is
 * sent when {@code cert} and {@code key} are given (PEM; the key PKCS#8, unencrypted).
 */
public record TlsSettings(Path caFile, Path certFile, Path keyFile, boolean insecure) {

    /** A Netty client context with the JDK provider. */
    public SslContext newContext() throws ClientException {
        SslContextBuilder b = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .endpointIdentificationAlgorithm(insecure ? null : "HTTPS");
        if (caFile != null) {
            requireReadable(caFile, "--cafile");
            b.trustManager(caFile.toFile());
        }
        if (certFile != null || keyFile != null) {
            if (certFile == null || keyFile == null) {
                throw ClientException.general(
                        "Error: Both certfile and keyfile must be provided if one of them is set.");
            }
            requireReadable(certFile, "--cert");
            requireReadable(keyFile, "--key");
            b.keyManager(certFile.toFile(), keyFile.toFile());
        }
        try {
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw ClientException.general("Error: cannot set up TLS: " + rootMessage(e));
        }
    }

    private static void requireReadable(Path p, String flag) throws ClientException {
        if (!Files.isReadable(p)) {
            throw ClientException.general("Error: cannot read " + flag + " file '" + p + "'.");
        }
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
    }
}
