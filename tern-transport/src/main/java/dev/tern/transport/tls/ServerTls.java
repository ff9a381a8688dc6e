package dev.tern.transport.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS side of one listener: an {@link SslContext} built from the listener's PEM files, swapped for a new one
 * when the files change (polled) or on {@link #reload()} (SIGHUP). New connections get the context in force when
 * they are accepted; connections already open keep the one they started with. A new set of files that does not
 * load (unreadable, bad PEM, a key that does not match the certificate, ...) is refused and the old context stays.
 *
 * <p>Thread-safe: {@link #newHandler} is one volatile read; reloads are serialized.
 */
public final class ServerTls {

    /** Told the outcome of each reload a watcher makes. */
    @FunctionalInterface
    public interface Listener {
        /** @param error empty when the new files are in force, else why the old ones were kept */
        void reloaded(ServerTls tls, Optional<String> error);
    }

    /** A built context and what it was built from. */
    private record Loaded(SslContext context, TlsMaterial material) {
    }

    private final TlsSettings settings;
    private final SslProvider provider;
    private volatile Loaded current;

    private ServerTls(TlsSettings settings, SslProvider provider, Loaded loaded) {
        this.settings = settings;
        this.provider = provider;
        this.current = loaded;
    }

    /** Loads the files and builds the context; fails (naming the file and the problem) when they cannot be used. */
    public static ServerTls create(TlsSettings settings) throws TlsFileException {
        Objects.requireNonNull(settings, "settings");
        SslProvider provider = settings.provider().resolve();
        return new ServerTls(settings, provider, load(settings, provider));
    }

    private static Loaded load(TlsSettings settings, SslProvider provider) throws TlsFileException {
        TlsMaterial material = TlsMaterial.load(settings);
        return new Loaded(build(settings, material, provider), material);
    }

    /** Builds a server context: protocols, cipher suites, the certificate chain and, for mTLS, the trust manager. */
    static SslContext build(TlsSettings settings, TlsMaterial material, SslProvider provider)
            throws TlsFileException {
        SslContextBuilder builder = SslContextBuilder
                .forServer(material.key(), material.chain().toArray(new X509Certificate[0]))
                .sslProvider(provider)
                .protocols(settings.effectiveProtocols())
                .ciphers(settings.effectiveCiphers(), SupportedCipherSuiteFilter.INSTANCE)
                .clientAuth(switch (settings.clientAuth()) {
                    case NONE -> ClientAuth.NONE;
                    case OPTIONAL -> ClientAuth.OPTIONAL;
                    case REQUIRE -> ClientAuth.REQUIRE;
                });
        if (settings.clientAuth() != ClientAuthMode.NONE) {
            if (material.ca().isEmpty()) {
                throw new TlsFileException("ca", "client-auth " + settings.clientAuth().name().toLowerCase()
                        + " needs tls.ca (the CA that signs client certificates)");
            }
            builder.trustManager(trustManager(material));
        }
        SslContext context;
        try {
            context = builder.build();
        } catch (SSLException | RuntimeException e) {
            throw new TlsFileException(null, "cannot set up TLS with " + settings.cert() + " and " + settings.key()
                    + ": " + PemFiles.message(e), e);
        }
        if (context.cipherSuites().isEmpty()) {
            throw new TlsFileException("ciphers", "none of the cipher suites " + settings.effectiveCiphers()
                    + " is supported by " + TlsProvider.describe(provider) + " with protocols "
                    + settings.effectiveProtocols());
        }
        return context;
    }

    /**
     * Client certificates must chain to one of the CA certificates. With a CRL file, the client's own certificate
     * is checked against it (the end entity only, as Mosquitto's {@code crlfile} does); only the CRLs given are
     * used: no OCSP, no fetching of distribution points.
     */
    private static TrustManagerFactory trustManager(TlsMaterial material) throws TlsFileException {
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int i = 0;
            for (X509Certificate ca : material.ca()) {
                anchors.setCertificateEntry("ca-" + i++, ca);
            }
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, new X509CertSelector());
            if (material.crls().isEmpty()) {
                params.setRevocationEnabled(false);
            } else {
                params.addCertStore(CertStore.getInstance("Collection",
                        new CollectionCertStoreParameters(material.crls())));
                PKIXRevocationChecker checker = (PKIXRevocationChecker) CertPathBuilder.getInstance("PKIX")
                        .getRevocationChecker();
                checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
                        PKIXRevocationChecker.Option.NO_FALLBACK, PKIXRevocationChecker.Option.ONLY_END_ENTITY));
                params.addCertPathChecker(checker);
                params.setRevocationEnabled(true);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(new CertPathTrustManagerParameters(params));
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsFileException("ca", "cannot use the CA certificates: " + PemFiles.message(e), e);
        }
    }

    /** A handler for a new connection, with the context in force now. */
    public SslHandler newHandler(ByteBufAllocator alloc, Duration handshakeTimeout) {
        SslHandler handler = current.context().newHandler(alloc);
        handler.setHandshakeTimeoutMillis(Math.max(1, handshakeTimeout.toMillis()));
        return handler;
    }

    public TlsSettings settings() {
        return settings;
    }

    /** The server certificate in force (the leaf of the chain). */
    public X509Certificate certificate() {
        return current.material().certificate();
    }

    /** Warnings about the files in force (expired certificate, stale CRL), for the log. */
    public List<String> warnings() {
        return current.material().warnings();
    }

    /** "OpenSSL (BoringSSL)" or "JDK (Java 17...)". */
    public String providerName() {
        return TlsProvider.describe(provider);
    }

    /** One line for the start log: provider, protocols, client authentication, certificate. */
    public String describe() {
        X509Certificate cert = certificate();
        return "TLS via " + providerName() + ", " + String.join(" ", settings.effectiveProtocols())
                + ", client-auth " + settings.clientAuth().name().toLowerCase()
                + (settings.crl() != null ? " with CRL" : "")
                + (settings.useIdentityAsUsername() ? ", certificate identity as username" : "")
                + "; certificate " + cert.getSubjectX500Principal().getName() + " serial "
                + cert.getSerialNumber().toString(16) + " valid until " + cert.getNotAfter().toInstant();
    }

    /**
     * Re-reads every file and builds a new context. On success the new one is used for new connections and the
     * result is empty; on failure the old one stays and the result says why (naming the file).
     */
    public synchronized Optional<String> reload() {
        try {
            current = load(settings, provider);
            return Optional.empty();
        } catch (TlsFileException e) {
            return Optional.of(e.getMessage() + "; keeping the certificates in force");
        } catch (RuntimeException e) {
            return Optional.of(settings.cert() + ": " + e + "; keeping the certificates in force");
        }
    }

    /**
     * Polls the modification time, size and identity of every file of the listener every {@code interval} on a
     * daemon thread, and reloads when any of them changed (a rename over a file counts). Close to stop.
     */
    public Watcher watch(Duration interval, Listener listener) {
        Objects.requireNonNull(listener, "listener");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive");
        }
        return new Watcher(interval, listener);
    }

    /** A running poll of the listener's files; {@link #close} stops it. */
    public final class Watcher implements AutoCloseable {
        private final ScheduledExecutorService executor;
        private final Listener listener;
        private List<Object> lastStamp;

        private Watcher(Duration interval, Listener listener) {
            this.listener = listener;
            this.lastStamp = stamp();
            this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tern-watch-tls-" + settings.cert().getFileName());
                t.setDaemon(true);
                return t;
            });
            long ms = Math.max(1, interval.toMillis());
            executor.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
        }

        private void poll() {
            try {
                List<Object> now = stamp();
                if (now.equals(lastStamp)) {
                    return;
                }
                lastStamp = now;
                listener.reloaded(ServerTls.this, reload());
            } catch (RuntimeException e) {
                // a failing listener must not stop the polling
            }
        }

        private List<Object> stamp() {
            List<Object> out = new ArrayList<>();
            for (Path file : settings.files()) {
                try {
                    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                    out.add(Arrays.asList(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey())));
                } catch (IOException e) {
                    out.add("missing");
                }
            }
            return out;
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }
}
