package dev.faultline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.faultline.local.LocalKafkaBroker;
import dev.faultline.local.LocalSchemaRegistry;
import dev.faultline.topology.app.TopicProvisioner;
import dev.faultline.topology.config.AnalyzerConfig;
import picocli.CommandLine;

/** generate, replay and tail against a real broker and registry: what goes in comes out, record for record. */
class CommandLineKafkaIT {
    // Recent: the broker refuses timestamps more than an hour ahead (message.timestamp.after.max.ms).
    private static final String START = java.time.Instant.now().minus(java.time.Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    private static LocalKafkaBroker broker;
    private static LocalSchemaRegistry registry;

    @BeforeAll
    static void start() {
        broker = LocalKafkaBroker.start();
        registry = LocalSchemaRegistry.start();
    }

    @AfterAll
    static void stop() {
        registry.close();
        broker.close();
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Faultline.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute(args)).as("%s%n%s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    private static Path config(Path dir, String prefix) throws Exception {
        Path file = dir.resolve(prefix + ".properties");
        Files.writeString(file, String.join("\n",
            "bootstrap.servers=" + broker.bootstrapServers(),
            "schema.registry.url=" + registry.url(),
            "analyzer.topic.requests=" + prefix + ".requests",
            "analyzer.topic.metrics=" + prefix + ".metrics",
            "analyzer.topic.logs=" + prefix + ".logs"));
        AnalyzerConfig config = AnalyzerConfig.from(Map.of("bootstrap.servers", broker.bootstrapServers(), "schema.registry.url", registry.url(),
            "analyzer.topic.requests", prefix + ".requests", "analyzer.topic.metrics", prefix + ".metrics", "analyzer.topic.logs", prefix + ".logs"));
        try (Admin admin = broker.admin()) {
            TopicProvisioner.ensure(admin, TopicProvisioner.topics(config));
        }
        return file;
    }

    private static List<String> tailInputs(Path config) {
        List<String> lines = new ArrayList<>();
        for (String topic : List.of("requests", "metrics", "logs")) {
            run("tail", topic, "--from-beginning", "-c", config.toString()).lines().forEach(lines::add);
        }
        return lines.stream().sorted().toList();
    }

    @Test
    void generatedTelemetryReachesTheTopicsAndReplaysRecordForRecord(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("scenario.jsonl");
        run("generate", "--duration", "20s", "--fast", "--start", START, "-o", file.toString());
        List<String> expected = Files.readAllLines(file).stream().sorted().toList();
        assertThat(expected).hasSizeGreaterThan(1500);

        Path generated = config(dir, "generated");
        run("generate", "--duration", "20s", "--fast", "--start", START, "-c", generated.toString());
        assertThat(tailInputs(generated)).isEqualTo(expected);

        Path replayed = config(dir, "replayed");
        run("replay", file.toString(), "-c", replayed.toString());
        assertThat(tailInputs(replayed)).isEqualTo(expected);
    }

    @Test
    void replayAtOriginalPaceKeepsTheGapsBetweenEventTimes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("paced.jsonl");
        run("generate", "--duration", "4s", "--fast", "--start", START, "-o", file.toString());
        Path paced = config(dir, "paced");
        long started = System.nanoTime();
        // Four seconds of event time at double speed: about two seconds.
        run("replay", file.toString(), "--pace", "original", "--speed", "2", "-c", paced.toString());
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(seconds).isBetween(1.8, 10.0);
        assertThat(tailInputs(paced)).hasSize(Files.readAllLines(file).size());
    }
}
