package dev.faultline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.faultline.generator.GroundTruth;
import dev.faultline.schema.RequestEvent;
import picocli.CommandLine;

class CommandLineTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Faultline.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static List<List<String>> commands(CommandLine cli, List<String> path) {
        List<List<String>> all = new ArrayList<>();
        all.add(path);
        cli.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> next = new ArrayList<>(path);
                next.add(name);
                all.addAll(commands(sub, next));
            }
        });
        return all;
    }

    @Test
    void everyCommandHasHelp() {
        List<List<String>> commands = commands(Faultline.commandLine(), List.of());
        assertThat(commands).extracting(c -> String.join(" ", c))
            .contains("run", "demo", "generate", "replay", "tail", "rules check", "config check");
        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            out.getBuffer().setLength(0);
            assertThat(run(args.toArray(String[]::new))).as(String.join(" ", args)).isZero();
            assertThat(out.toString()).startsWith("Usage: faultline" + (command.isEmpty() ? "" : " " + String.join(" ", command)));
        }
    }

    @Test
    void badConfigurationIsOneLineNamingTheKeyAndExitTwo(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("bad.properties");
        Files.writeString(config, "bootstrap.servers=localhost:9092\nschema.registry.url=http://localhost:8081\nanalyzer.window.size.ms=10\n");
        assertThat(run("config", "check", "--config", config.toString())).isEqualTo(2);
        assertThat(err.toString().lines()).singleElement().asString()
            .startsWith("faultline config check: configuration error: analyzer.window.size.ms=10 is invalid: a whole number in [1000, 86400000]");
    }

    @Test
    void goodConfigurationIsSummarisedWithSecretsHidden(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("good.properties");
        Files.writeString(config, "bootstrap.servers=kafka:9092\nschema.registry.url=http://registry:8081\n"
            + "analyzer.http.auth.token=s3cret\nanalyzer.window.size.ms=30000\n");
        assertThat(run("config", "check", "-c", config.toString())).isZero();
        assertThat(out.toString()).contains("configuration OK: application.id=faultline, exactly_once_v2, windows 30 s",
            "analyzer.http.auth.token = (hidden)", "bootstrap.servers = kafka:9092").doesNotContain("s3cret");
    }

    @Test
    void rulesCheckValidatesAndClassifiesSamples(@TempDir Path dir) throws Exception {
        assertThat(run("rules", "check", "-s", "java.net.UnknownHostException: db: Name or service not known", "-s", "all good")).isZero();
        assertThat(out.toString().lines()).containsExactly(
            "built-in rules: 17 rules OK",
            "DNS_RESOLUTION_FAILED  network.dns              java.net.UnknownHostException: db: Name or service not known",
            "UNCLASSIFIED           -                        all good");
        Path rules = dir.resolve("rules.json");
        Files.writeString(rules, "{\"rules\": [{\"id\": \"x\", \"kind\": \"NOT_A_KIND\", \"pattern\": \"a\"}]}");
        assertThat(run("rules", "check", rules.toString())).isEqualTo(2);
        assertThat(err.toString().lines()).singleElement().asString().startsWith("faultline rules check: " + rules + ": invalid rule set: rule 'x': kind");
    }

    @Test
    void generateWritesReplayableLinesAndTheGroundTruth(@TempDir Path dir) throws Exception {
        Path lines = dir.resolve("out.jsonl");
        Path truth = dir.resolve("truth.jsonl");
        assertThat(run("generate", "--scenario", "checkout-payments-postgres", "--duration", "30s", "--fast",
            "--start", "2026-11-22T09:00:00Z", "-o", lines.toString(), "-g", truth.toString())).isZero();
        List<String> written = Files.readAllLines(lines);
        assertThat(written).hasSizeGreaterThan(2000);
        // Every line decodes back to the record it came from, as replay will read it.
        assertThat(written).allSatisfy(line -> assertThat(InputRecords.toJson(InputRecords.fromJson(line))).isEqualTo(line));
        assertThat(written.stream().map(InputRecords::fromJson).filter(RequestEvent.class::isInstance)).isNotEmpty();
        assertThat(GroundTruth.read(truth).faults()).extracting(f -> f.start().toString())
            .containsExactly("2026-11-22T09:00:05Z", "2026-11-22T09:00:12.500Z");
        assertThat(err.toString()).contains("scenario checkout-payments-postgres", "records written; ground truth in " + truth);
    }

    @Test
    void replayRefusesABadLineBeforeSendingAnything(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("in.jsonl");
        RequestEvent good = RequestEvent.newBuilder().setService("a").setOperation("GET /").setStartTime(java.time.Instant.EPOCH)
            .setDurationMs(1).setStatus(dev.faultline.schema.SpanStatus.OK).build();
        Files.writeString(file, InputRecords.toJson(good) + "\n{\"service\": \"a\", \"oops\": 1}\n");
        // No broker is given or needed: the file is checked first.
        assertThat(run("replay", file.toString(), "-b", "127.0.0.1:1", "-r", "mock://replay")).isEqualTo(2);
        assertThat(err.toString().lines()).singleElement().asString()
            .startsWith("faultline replay: " + file + " line 2: not a RequestEvent, MetricSample or LogRecord in Avro's JSON encoding");
    }

    @Test
    void badOptionValuesAreUsageErrors() {
        assertThat(run("generate", "--duration", "soon")).isEqualTo(2);
        assertThat(err.toString()).startsWith("Invalid value for option '--duration': 'soon' is not a positive duration");
        err.getBuffer().setLength(0);
        assertThat(run("generate", "--scenario", "nope", "-o", "/dev/null")).isEqualTo(2);
        assertThat(err.toString().lines()).singleElement().asString().startsWith("faultline generate: nope: neither a built-in scenario");
    }
}
