package dev.tern.cli.client;

/**
 * A failure that ends {@code tern pub} or {@code tern sub}: the message printed on standard error and the exit code
 * (as mosquitto_pub/mosquitto_sub: 1 for most errors, the CONNACK reason code for a refused connection, 27 for a
 * {@code -W} timeout).
 */
public final class ClientException extends Exception {
    /** Exit code of a general error. */
    public static final int GENERAL = 1;
    /** Exit code of {@code tern sub -W} when the time runs out (as mosquitto_sub). */
    public static final int TIMED_OUT = 27;

    private final int exitCode;
    private final boolean usage;

    public ClientException(int exitCode, String message) {
        this(exitCode, message, false);
    }

    private ClientException(int exitCode, String message, boolean usage) {
        super(message);
        this.exitCode = exitCode;
        this.usage = usage;
    }

    public ClientException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.usage = false;
    }

    /** A wrong or missing option (exit code 1, as mosquitto_pub/mosquitto_sub); the usage hint is printed after it. */
    public static ClientException usage(String message) {
        return new ClientException(GENERAL, message, true);
    }

    /** True for a wrong or missing option. */
    public boolean isUsage() {
        return usage;
    }

    /** A general error (exit code 1). */
    public static ClientException general(String message) {
        return new ClientException(GENERAL, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
