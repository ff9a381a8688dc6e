package dev.tern.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** {@code tern broker} in a process of its own, with every line it printed (standard output and error). */
final class BrokerProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    private BrokerProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::read, "broker-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code tern broker} with {@code args} and the current test class path. */
    static BrokerProcess start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TernCommand.class.getName(), "broker"));
        command.addAll(List.of(args));
        return new BrokerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(reading the output failed: " + e + ")");
        }
    }

    /** Every line printed so far. */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Waits up to 30 s for a line that matches, and returns it; fails with the output if the broker exits. */
    String await(Predicate<String> line) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!process.isAlive() && lines().stream().noneMatch(line)) {
                        throw new AssertionError("the broker exited (" + process.exitValue() + "): " + lines());
                    }
                    return lines().stream().filter(line).findFirst().orElse(null);
                }, l -> l != null);
    }

    /** Waits for a line containing {@code text}. */
    String await(String text) {
        return await(l -> l.contains(text));
    }

    /** Sends SIGHUP (reload). */
    void hangUp() throws Exception {
        new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
