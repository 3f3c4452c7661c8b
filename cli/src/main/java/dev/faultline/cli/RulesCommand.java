package dev.faultline.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.faultline.topology.domain.Classification;
import dev.faultline.topology.domain.LogClassifier;
import dev.faultline.topology.domain.RuleSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "rules", mixinStandardHelpOptions = true, description = "Classification rule tools.",
    subcommands = RulesCommand.Check.class)
final class RulesCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validates a rules file and shows how sample log lines classify.",
            "The format is that of analyzer.rules.file and the rules topic. Output per line: KIND, rule id, the line."})
    static final class Check implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RULES", arity = "0..1",
            description = "Rules file (JSON). Without it, the built-in rules.")
        Path rulesFile;

        @Option(names = {"-s", "--sample"}, paramLabel = "LINE", description = "A log line to classify (repeatable).")
        List<String> samples = new ArrayList<>();

        @Option(names = {"-f", "--samples-file"}, paramLabel = "FILE", description = "Log lines to classify, one per line; - for stdin.")
        String samplesFile;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            RuleSet rules = rulesFile == null ? RuleSet.defaults() : parse(rulesFile);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%s: %d rules OK%n", rulesFile == null ? "built-in rules" : rulesFile, rules.rules().size());
            LogClassifier classifier = new LogClassifier(rules);
            List<String> lines = new ArrayList<>(samples);
            if (samplesFile != null) {
                lines.addAll(samplesFile.equals("-")
                    ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).lines().toList()
                    : Files.readAllLines(Path.of(samplesFile)));
            }
            for (String line : lines) {
                Classification c = classifier.classify(line, Map.of());
                out.printf("%-22s %-24s %s%n", c.kind(), c.isClassified() ? c.ruleId() : "-", line);
            }
            out.flush();
            return 0;
        }

        private static RuleSet parse(Path file) throws java.io.IOException {
            try {
                return RuleSet.parse(Files.readString(file));
            } catch (RuleSet.InvalidRuleSetException e) {
                throw new Errors.UsageException(file + ": " + e.getMessage());
            }
        }
    }
}
