package dev.tern.cli.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A test CA and certificates issued by it, made with the openssl command in a folder: {@code ca.pem}, and for each
 * {@link #issue}d name {@code NAME.pem} and {@code NAME.key} (PKCS#8, unencrypted). Use when {@link #available()}.
 */
final class OpensslPki {
    private final Path dir;

    private OpensslPki(Path dir) {
        this.dir = dir;
    }

    static boolean available() {
        return Mosquitto.tool("openssl") != null;
    }

    /** A new CA in {@code dir}. */
    static OpensslPki create(Path dir) throws Exception {
        OpensslPki pki = new OpensslPki(dir);
        pki.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=tern test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return pki;
    }

    Path ca() {
        return dir.resolve("ca.pem");
    }

    /** A server certificate for localhost and 127.0.0.1. */
    void issueServer(String name) throws Exception {
        issue(name, "/CN=localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    }

    Path cert(String name) {
        return dir.resolve(name + ".pem");
    }

    Path key(String name) {
        return dir.resolve(name + ".key");
    }

    void issue(String name, String subject, String extensions) throws Exception {
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    }

    private void openssl(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }
}
