package dev.tern.cli.client;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's mosquitto broker and clients, run as processes by the tests, when installed. */
final class Mosquitto implements AutoCloseable {
    private final Process process;
    private final Path log;

    private Mosquitto(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The path of a tool on PATH (or /usr/sbin), or null. */
    static String tool(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        List<String> dirs = new ArrayList<>(List.of(path.split(File.pathSeparator)));
        dirs.add("/usr/sbin");
        dirs.add("/usr/local/sbin");
        for (String dir : dirs) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Starts {@code mosquitto -c} with {@code config} (whose listeners are on the given loopback ports) and waits
     * until every port accepts connections.
     */
    static Mosquitto start(Path dir, String config, int... ports) throws Exception {
        String header = "root".equals(System.getProperty("user.name")) ? "user root\n" : "";
        Path conf = dir.resolve("mosquitto-" + ports[0] + ".conf");
        Files.writeString(conf, header + config, StandardCharsets.UTF_8);
        Path log = dir.resolve("mosquitto-" + ports[0] + ".log");
        Process p = new ProcessBuilder(tool("mosquitto"), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Mosquitto m = new Mosquitto(p, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int port : ports) {
            while (true) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    break;
                } catch (IOException e) {
                    if (!p.isAlive() || System.nanoTime() > deadline) {
                        m.close();
                        throw new IllegalStateException("mosquitto did not start: " + Files.readString(log));
                    }
                    Thread.sleep(20);
                }
            }
        }
        return m;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** Runs a mosquitto client to its end; returns exit code and output. */
    static ClientRun.Result run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new ClientRun.Result(p.exitValue(),
                new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
