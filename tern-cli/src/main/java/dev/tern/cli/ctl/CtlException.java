package dev.tern.cli.ctl;

/**
 * What ends a {@code tern ctl} command: the message printed on standard error ({@code Error: ...}) and the exit
 * code, {@link #FAILED} when the broker refused or could not be reached, {@link #USAGE} for a wrong option.
 */
final class CtlException extends Exception {
    private static final long serialVersionUID = 1L;
    /** The broker could not be reached, refused the credentials, or answered with an error. */
    static final int FAILED = 1;
    /** A wrong option or argument (as picocli's own usage errors). */
    static final int USAGE = 2;

    private final int exitCode;

    CtlException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    static CtlException failed(String message) {
        return new CtlException(FAILED, message);
    }

    static CtlException usage(String message) {
        return new CtlException(USAGE, message);
    }

    int exitCode() {
        return exitCode;
    }
}
