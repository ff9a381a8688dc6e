package dev.tern.tests.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pinned npm package for a browser test, installed with the machine's npm into {@code target/npm} (never
 * committed; reused while the pinned version is there). When npm is missing or the registry cannot be reached,
 * {@link #install} throws JUnit's TestAbortedException with the reason (the test is skipped).
 */
public final class NpmPackage {
    private static final Path PREFIX = Path.of("target", "npm").toAbsolutePath();
    private static final long TIMEOUT_SECONDS = 45; // under the 60 s JUnit gives a lifecycle method

    private NpmPackage() {
    }

    /** The folder of {@code name@version} under {@code target/npm/node_modules}, installing it first if needed. */
    public static Path install(String name, String version) {
        Path dir = PREFIX.resolve("node_modules").resolve(name);
        if (!version.equals(installedVersion(dir))) {
            String npm = onPath("npm");
            skipUnless(npm != null, "npm is not installed (it comes with Node.js), so " + name + "@" + version
                    + " cannot be installed");
            run(npm, name + "@" + version);
            String got = installedVersion(dir);
            skipUnless(version.equals(got), "npm installed " + name + " " + got + ", not " + version);
        }
        return dir;
    }

    private static void run(String npm, String spec) {
        // fail fast when the registry cannot be reached (npm's default retries take minutes)
        List<String> command = List.of(npm, "install", "--prefix", PREFIX.toString(), "--no-save",
                "--no-package-lock", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error",
                "--fetch-retries=1", "--fetch-retry-mintimeout=1000", "--fetch-retry-maxtimeout=3000",
                "--fetch-timeout=20000", spec);
        try {
            Files.createDirectories(PREFIX);
            Path log = Files.createTempFile("tern-npm", ".log");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                        .start();
                boolean done = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (!done) {
                    p.destroyForcibly();
                }
                String output = Files.readString(log, StandardCharsets.UTF_8).strip();
                skipUnless(done, "npm install " + spec + " did not finish within " + TIMEOUT_SECONDS
                        + " s (is the npm registry reachable?)");
                skipUnless(p.exitValue() == 0, "npm install " + spec + " failed (is the npm registry reachable?): "
                        + summary(output));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            skipUnless(false, "npm install " + spec + " could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Aborts with {@code reason} (a TestAbortedException: the test is skipped) unless {@code ok}. */
    private static void skipUnless(boolean ok, String reason) {
        assumeTrue(ok, reason);
    }

    private static String installedVersion(Path dir) {
        try {
            String json = Files.readString(dir.resolve("package.json"), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** npm's error code and message ("npm error code ECONNREFUSED", "npm error FetchError: ..."), else its end. */
    private static String summary(String output) {
        List<String> lines = output.lines().toList();
        List<String> errors = lines.stream().filter(l -> l.startsWith("npm error ") && !l.startsWith("npm error  ")
                && !l.contains("{")).limit(4).toList();
        List<String> shown = errors.isEmpty() ? lines.subList(Math.max(0, lines.size() - 4), lines.size()) : errors;
        return String.join(" | ", shown);
    }
}
