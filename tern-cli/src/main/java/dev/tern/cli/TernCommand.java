package dev.tern.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code tern} command. Exit codes: 0 ok, 1 runtime failure (e.g. port in use), 2 usage or config error. */
@Command(name = "tern",
        mixinStandardHelpOptions = true,
        versionProvider = TernCommand.Version.class,
        description = "Tern, an MQTT 3.1, 3.1.1 and 5.0 broker.",
        subcommands = {BrokerCommand.class, dev.tern.cli.client.PubCommand.class, dev.tern.cli.client.SubCommand.class,
            dev.tern.cli.ctl.CtlCommand.class, BenchCommand.class, PasswdCommand.class, HelpCommand.class},
        footerHeading = "%n",
        footer = {"Run 'tern broker --help' for the broker's options, 'tern ctl --help' for the admin commands, "
                + "'tern bench --help' for the load generator.",
            "Exit codes: 0 ok, 1 failure at run time (e.g. port in use), 2 wrong option or configuration."})
public final class TernCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** The version from the jar manifest, or {@code dev} when run from classes. */
    public static String version() {
        String v = TernCommand.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        cl.getErr().println("tern: missing command; to run the broker: tern broker");
        cl.usage(cl.getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /** A command line ready to execute, with the usual settings. */
    public static CommandLine commandLine() {
        return new CommandLine(new TernCommand());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** {@code tern --version}. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "tern " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ") on "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch")
            };
        }
    }
}
