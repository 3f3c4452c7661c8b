package dev.faultline.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code faultline} command. Every subcommand has {@code --help}; errors are one line on
 * stderr and a non-zero exit (1 for a failure, 2 for bad usage or configuration).
 */
@Command(name = "faultline", mixinStandardHelpOptions = true, versionProvider = Faultline.Version.class,
    description = "Stream-processing log and metric analyzer on Kafka Streams.",
    subcommands = {RunCommand.class, DemoCommand.class, GenerateCommand.class, ReplayCommand.class, TailCommand.class,
        RulesCommand.class, ConfigCommand.class, CommandLine.HelpCommand.class})
public final class Faultline {
    public static final int FAILED = 1;
    public static final int BAD_USAGE = 2;

    public static void main(String[] args) {
        // Before the first logger exists: only 'run' logs like a service.
        if (args.length == 0 || !args[0].equals("run")) {
            System.setProperty("logback.configurationFile", "faultline-cli-logback.xml");
        }
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Faultline());
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            PrintWriter err = command.getErr();
            err.println(command.getCommandSpec().qualifiedName() + ": " + Errors.describe(e));
            err.flush();
            return Errors.isUsage(e) ? BAD_USAGE : FAILED;
        });
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"faultline " + dev.faultline.topology.AnalyzerVersion.VERSION};
        }
    }
}
