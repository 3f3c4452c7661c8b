package dev.faultline.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import dev.faultline.topology.config.AnalyzerConfig;
import dev.faultline.topology.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "config", mixinStandardHelpOptions = true, description = "Configuration tools.",
    subcommands = ConfigCommand.Check.class)
final class ConfigCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validates the configuration as 'run' would, without connecting to anything.",
            "File, then environment, then options; prints the settings it was given (secrets hidden)."})
    static final class Check implements Callable<Integer> {
        @Mixin
        Settings settings;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            AnalyzerConfig config = settings.load();
            PrintWriter out = spec.commandLine().getOut();
            Map<String, String> given = new TreeMap<>(ConfigLoader.settings(java.util.Optional.ofNullable(settings.config), System.getenv()));
            out.printf("configuration OK: application.id=%s, %s, windows %d s (grace %d s), inputs %s%n",
                config.applicationId(), config.kafka().get("processing.guarantee"), config.windowSize().toSeconds(),
                config.windowGrace().toSeconds(), config.topics().inputs());
            given.forEach((key, value) -> {
                boolean secret = key.contains("password") || key.contains("token") || key.contains("user.info") || key.contains("jaas");
                out.printf("  %s = %s%n", key, secret ? "(hidden)" : value);
            });
            out.flush();
            return 0;
        }
    }
}
