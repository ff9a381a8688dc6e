package dev.tern.cli;

import dev.tern.security.Algorithm;
import dev.tern.security.FileFormatException;
import dev.tern.security.PasswordFile;
import dev.tern.security.PasswordFileEditor;
import dev.tern.security.PasswordHash;
import dev.tern.security.ScramCredential;
import dev.tern.security.ScramCredentialFile;
import dev.tern.security.ScramMechanism;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tern passwd}: creates and edits Mosquitto-format password files, with {@code mosquitto_passwd}'s flags. */
@Command(name = "passwd",
        versionProvider = TernCommand.Version.class,
        sortOptions = false,
        customSynopsis = {
            "tern passwd [-c | -D] [-H HASH] [-I ITERATIONS] PASSWORDFILE USERNAME",
            "tern passwd [-c] -b [-H HASH] [-I ITERATIONS] PASSWORDFILE USERNAME PASSWORD",
            "tern passwd -U [-H HASH] [-I ITERATIONS] PASSWORDFILE",
            "tern passwd --scram MECH[,MECH] [-c | -D] [-b] [-I ITERATIONS] SCRAMFILE USERNAME [PASSWORD]"},
        description = {
            "Manage a password file in Mosquitto's format (user:hash lines), which the broker reads with "
                    + "auth.password-file and Mosquitto 2.x reads with password_file.",
            "Without -b the password is asked twice: at the terminal without echo, or as two lines on standard "
                    + "input when there is no terminal. The file is replaced atomically and made readable by its "
                    + "owner only (mode 0600); other users' lines and comments are kept.",
            "With --scram it writes SCRAM credentials instead (user:SCRAM-SHA-256:iterations:salt:storedkey:serverkey "
                    + "lines), for the broker's auth.scram-file and MQTT 5 enhanced authentication; that file is "
                    + "separate from the password file, which Mosquitto reads."},
        footerHeading = "%n",
        footer = {"Examples:",
            "  tern passwd -c /etc/tern/passwd alice",
            "  tern passwd -b /etc/tern/passwd bob 'S3cret'",
            "  tern passwd -H argon2id /etc/tern/passwd carol",
            "  tern passwd -D /etc/tern/passwd bob",
            "  tern passwd -U /etc/tern/passwd      (hash a plain-text user:password file in place)",
            "  tern passwd --scram sha-256,sha-512 -c /etc/tern/scram alice",
            "  tern passwd --scram sha-256 -b /etc/tern/scram bob 'S3cret'",
            "Exit codes: 0 ok, 1 failure (file, user or password problem), 2 wrong option."})
public final class PasswdCommand implements Callable<Integer> {

    @Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "-c", description = "Create a new password file; an existing one is overwritten.")
    boolean create;

    @Option(names = "-D", description = "Delete USERNAME from the file.")
    boolean delete;

    @Option(names = "-b", description = "Batch mode: the password is the last argument (it shows in the process "
            + "list and the shell history).")
    boolean batch;

    @Option(names = "-U", description = "Hash a plain-text file (user:password lines) in place. Lines that are "
            + "already hashed are left as they are.")
    boolean upgrade;

    @Option(names = "-H", paramLabel = "HASH", description = "sha512-pbkdf2 (default, $7$, read by Mosquitto 2.0 "
            + "and later), argon2id (read by Mosquitto 2.1 builds with Argon2), or sha512 ($6$, for Mosquitto 1.6).",
            defaultValue = "sha512-pbkdf2")
    String hash;

    @Option(names = "-I", paramLabel = "ITERATIONS", description = "PBKDF2 iterations for sha512-pbkdf2 "
            + "(default 101, as mosquitto_passwd), or passes for argon2id (default 2).")
    Integer iterations;

    @Option(names = "--scram", paramLabel = "MECH", split = ",", description = "Write SCRAM credentials for MQTT 5 "
            + "enhanced authentication: sha-256 (SCRAM-SHA-256), sha-512 (SCRAM-SHA-512), or both separated by a "
            + "comma; one line per user and mechanism. -I sets the iterations (default and minimum 4096). With -D, "
            + "removes only those mechanisms' lines.")
    List<String> scram;

    @Parameters(index = "0", paramLabel = "PASSWORDFILE", description = "The password file (with --scram: the "
            + "SCRAM credential file).")
    Path file;

    @Parameters(index = "1", arity = "0..1", paramLabel = "USERNAME", description = "The user to add, update or "
            + "delete; must not contain ':'.")
    String username;

    @Parameters(index = "2", arity = "0..1", paramLabel = "PASSWORD", description = "The password, with -b.")
    String password;

    @Spec
    CommandSpec spec;

    private final InputStream stdin;
    private final boolean useConsole;

    public PasswdCommand() {
        this(System.in, true);
    }

    /** For tests: read passwords from {@code stdin}; {@code useConsole} false ignores any terminal. */
    PasswdCommand(InputStream stdin, boolean useConsole) {
        this.stdin = stdin;
        this.useConsole = useConsole;
    }

    /** A problem with the command line (exit 2). */
    private static final class UsageProblem extends Exception {
        private static final long serialVersionUID = 1L;

        UsageProblem(String message) {
            super(message);
        }
    }

    /** A problem doing the work (exit 1). */
    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            Algorithm algorithm = checkOptions();
            if (scram != null) {
                List<ScramMechanism> mechanisms = checkScramOptions();
                if (delete) {
                    deleteScram(mechanisms);
                } else {
                    setScram(mechanisms);
                }
            } else if (upgrade) {
                upgrade(algorithm);
            } else if (delete) {
                delete();
            } else {
                setPassword(algorithm);
            }
            return CommandLine.ExitCode.OK;
        } catch (UsageProblem e) {
            err.println("tern passwd: " + e.getMessage());
            err.println("Run 'tern passwd --help' for usage.");
            return CommandLine.ExitCode.USAGE;
        } catch (Failure e) {
            err.println("tern passwd: " + e.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        } catch (FileFormatException e) {
            err.println("tern passwd: " + e.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        } catch (NoSuchFileException e) {
            err.println("tern passwd: " + e.getFile() + ": no such file or directory");
            return CommandLine.ExitCode.SOFTWARE;
        } catch (IOException e) {
            err.println("tern passwd: " + file + ": " + e.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        }
    }

    private Algorithm checkOptions() throws UsageProblem {
        Optional<Algorithm> algorithm = Algorithm.byName(hash);
        if (algorithm.isEmpty()) {
            throw new UsageProblem("unknown hash '" + hash + "' for -H (expected sha512-pbkdf2, argon2id or sha512)");
        }
        if (iterations != null && iterations < 1) {
            throw new UsageProblem("-I must be at least 1");
        }
        if (create && delete) {
            throw new UsageProblem("-c and -D cannot be used together");
        }
        if (upgrade) {
            if (create || delete || batch) {
                throw new UsageProblem("-U cannot be used with -c, -D or -b");
            }
            if (username != null) {
                throw new UsageProblem("-U takes only the password file");
            }
            return algorithm.get();
        }
        if (username == null) {
            throw new UsageProblem("missing USERNAME");
        }
        String problem = PasswordFile.usernameProblem(username);
        if (problem != null) {
            throw new UsageProblem("invalid username: " + problem);
        }
        if (delete && (batch || password != null)) {
            throw new UsageProblem("-D takes no password");
        }
        if (!delete && batch && password == null) {
            throw new UsageProblem("-b needs the password as the last argument");
        }
        if (!batch && password != null) {
            throw new UsageProblem("a password on the command line needs -b");
        }
        return algorithm.get();
    }

    private List<ScramMechanism> checkScramOptions() throws UsageProblem {
        if (upgrade) {
            throw new UsageProblem("--scram cannot be used with -U (SCRAM credentials are made from the password, "
                    + "not from a hash)");
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("-H")) {
            throw new UsageProblem("--scram cannot be used with -H (the mechanism names the hash)");
        }
        List<ScramMechanism> mechanisms = new ArrayList<>();
        for (String name : scram) {
            ScramMechanism m = ScramMechanism.byName(name.strip()).orElseThrow(() -> new UsageProblem(
                    "unknown SCRAM mechanism '" + name + "' for --scram (expected sha-256 or sha-512)"));
            if (!mechanisms.contains(m)) {
                mechanisms.add(m);
            }
        }
        if (iterations != null && iterations < ScramMechanism.MIN_ITERATIONS) {
            throw new UsageProblem("-I must be at least " + ScramMechanism.MIN_ITERATIONS + " with --scram (RFC 7677)");
        }
        String problem = ScramCredentialFile.usernameProblem(username);
        if (problem != null) {
            throw new UsageProblem("invalid username: " + problem);
        }
        return mechanisms;
    }

    private void setScram(List<ScramMechanism> mechanisms) throws IOException, Failure {
        PasswordFileEditor editor = create ? PasswordFileEditor.empty() : openExisting();
        byte[] pw = batch ? password.getBytes(StandardCharsets.UTF_8) : askPassword();
        try {
            String text = new String(pw, StandardCharsets.UTF_8);
            int count = iterations != null ? iterations : ScramMechanism.MIN_ITERATIONS;
            for (ScramMechanism m : mechanisms) {
                ScramCredential credential;
                try {
                    credential = ScramCredential.create(m, text, count);
                } catch (IllegalArgumentException e) {
                    throw new Failure("the password cannot be used for SCRAM: " + e.getMessage());
                }
                editor.put(username, credential.encoded(), m.mechanismName() + ":");
            }
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
        editor.writeTo(file);
    }

    private void deleteScram(List<ScramMechanism> mechanisms) throws IOException, Failure {
        PasswordFileEditor editor = openExisting();
        boolean removed = false;
        for (ScramMechanism m : mechanisms) {
            removed |= editor.remove(username, m.mechanismName() + ":");
        }
        if (!removed) {
            throw new Failure("user '" + username + "' has no " + mechanisms.stream().map(Object::toString)
                    .reduce((a, b) -> a + " or " + b).orElse("") + " line in " + file);
        }
        editor.writeTo(file);
    }

    private int cost(Algorithm algorithm) {
        if (iterations != null) {
            return iterations;
        }
        return PasswordHash.defaultCost(algorithm);
    }

    private PasswordFileEditor openExisting() throws IOException, Failure {
        if (!Files.exists(file)) {
            throw new Failure(file + " does not exist" + (delete || upgrade ? "" : "; use -c to create it"));
        }
        return PasswordFileEditor.open(file);
    }

    private void upgrade(Algorithm algorithm) throws IOException, Failure {
        PasswordFileEditor editor = openExisting();
        int cost = cost(algorithm);
        int n = editor.hashPlainText(file.toString(), pw -> PasswordFile.hash(pw, algorithm, cost));
        editor.writeTo(file);
        spec.commandLine().getOut().println("Hashed " + n + " password" + (n == 1 ? "" : "s") + " in " + file + ".");
    }

    private void delete() throws IOException, Failure {
        PasswordFileEditor editor = openExisting();
        if (!editor.remove(username)) {
            throw new Failure("user '" + username + "' not found in " + file);
        }
        editor.writeTo(file);
    }

    private void setPassword(Algorithm algorithm) throws IOException, Failure {
        // read the file before asking for a password, so a wrong path fails at once
        PasswordFileEditor editor = create ? PasswordFileEditor.empty() : openExisting();
        byte[] pw = batch ? password.getBytes(StandardCharsets.UTF_8) : askPassword();
        try {
            editor.put(username, PasswordFile.hash(pw, algorithm, cost(algorithm)));
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
        editor.writeTo(file);
    }

    private byte[] askPassword() throws IOException, Failure {
        Console console = useConsole ? System.console() : null;
        char[] first;
        char[] second;
        if (console != null) {
            first = console.readPassword("Password: ");
            second = first == null ? null : console.readPassword("Reenter password: ");
        } else {
            BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
            String a = in.readLine();
            String b = a == null ? null : in.readLine();
            first = a == null ? null : a.toCharArray();
            second = b == null ? null : b.toCharArray();
        }
        try {
            if (first == null || second == null) {
                throw new Failure("no password given (end of input); enter it twice, or use -b");
            }
            if (!Arrays.equals(first, second)) {
                throw new Failure("passwords do not match");
            }
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(first));
            byte[] out = new byte[bytes.remaining()];
            bytes.get(out);
            if (bytes.hasArray()) {
                Arrays.fill(bytes.array(), (byte) 0);
            }
            return out;
        } finally {
            if (first != null) {
                Arrays.fill(first, '\0');
            }
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }
}
