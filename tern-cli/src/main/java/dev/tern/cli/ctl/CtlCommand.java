package dev.tern.cli.ctl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code tern ctl}: a client of a running broker's admin API (docs/observability.md). The connection options are
 * accepted before or after the subcommand ({@code tern ctl --url ... clients} or {@code tern ctl clients --url ...}).
 */
@Command(name = "ctl",
        sortOptions = false,
        description = {"Control a running broker through its HTTP admin API: list and kick clients, end sessions, "
                + "read and delete retained messages, reload the configuration, show statistics.",
            "Example: tern ctl --token $T clients --username sensor"},
        subcommands = {ClientCommands.Clients.class, ClientCommands.Kick.class, SessionCommands.Sessions.class,
            SessionCommands.Session.class, RetainedCommands.Retained.class, ReloadCommand.class, StatsCommand.class,
            PublishCommand.class},
        footerHeading = "%n",
        footer = {"Credentials: --token (or the TERN_TOKEN environment variable) for http.token, -u user:password for "
                + "a user of http.admins; without them, the token file data/http-token that tern broker writes when "
                + "no http credentials are configured (--token-file for another).",
            "Exit codes: 0 ok; 1 the broker refused or could not be reached (e.g. connection refused, credentials "
                    + "refused, no such client); 2 wrong option or argument."})
public final class CtlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080", scope = ScopeType.INHERIT,
            description = "The broker's HTTP listener (http.bind), http:// or https://. Default: ${DEFAULT-VALUE}.")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", scope = ScopeType.INHERIT,
            description = "Bearer token (http.token). Default: the TERN_TOKEN environment variable, else the token "
                    + "file (--token-file).")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "File holding the bearer token: the http-token file that tern broker writes in its data "
                    + "folder when no http credentials are configured. Default: data/http-token, when it exists.")
    Path tokenFile;

    @Option(names = {"-u", "--user"}, paramLabel = "USER:PASSWORD", scope = ScopeType.INHERIT,
            description = "HTTP Basic credentials of a user of http.admins.")
    String user;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print the broker's JSON answer as it is, instead of a table.")
    boolean json;

    @Option(names = "--cafile", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "https: CA certificate(s), PEM, that the broker's certificate must chain to (default: the "
                    + "JDK's trusted CAs).")
    Path caFile;

    @Option(names = "--insecure", scope = ScopeType.INHERIT,
            description = "https: do not check the broker's certificate at all (like curl -k); for tests only.")
    boolean insecure;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT,
            description = "Show this help and exit.")
    boolean help;

    /** The token file tern broker writes in its default data folder, relative to where tern ctl runs. */
    static final Path DEFAULT_TOKEN_FILE = Path.of("data", "http-token");

    /** Where TERN_TOKEN is read from (tests replace it). */
    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        cl.getErr().println("tern ctl: missing command, e.g. tern ctl clients");
        cl.usage(cl.getErr());
        return CtlException.USAGE;
    }

    /** A client of the API with these options. */
    AdminClient client() throws CtlException {
        String t = token != null ? token : environment.get("TERN_TOKEN");
        if (t != null && t.isEmpty() && token == null) {
            t = null;
        }
        if (t == null && (tokenFile != null || user == null)) {
            t = readTokenFile();
        }
        return AdminClient.connect(url, t, user, caFile, insecure);
    }

    /** The token of --token-file, or of data/http-token when that exists; null when neither applies. */
    private String readTokenFile() throws CtlException {
        Path file = tokenFile != null ? tokenFile : DEFAULT_TOKEN_FILE;
        if (tokenFile == null && !Files.isRegularFile(file)) {
            return null;
        }
        try {
            String t = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (t.isEmpty()) {
                throw CtlException.usage("--token-file " + file + ": the file is empty");
            }
            return t;
        } catch (IOException e) {
            throw CtlException.usage("--token-file " + file + ": cannot read it (" + e.getMessage() + ")");
        }
    }
}
