package dev.faultline.cli;

import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.avro.specific.SpecificRecord;

import dev.faultline.generator.GroundTruth;
import dev.faultline.generator.Scenario;
import dev.faultline.generator.ScenarioReader;
import dev.faultline.generator.Telemetry;
import dev.faultline.generator.TelemetryGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Plays an incident scenario into the input topics (or a JSON-lines file).",
        "Synthetic telemetry with injected faults, in real time or as fast as possible; optionally writes the ground truth.",
        "Built-in scenarios: checkout-payments-postgres, bad-deploy, resource-exhaustion, network-trouble, many-services."})
final class GenerateCommand implements Callable<Integer> {
    static final Duration SLICE = Duration.ofMillis(100);

    @Mixin
    Settings settings;

    @Option(names = {"-s", "--scenario"}, paramLabel = "NAME|FILE", defaultValue = "checkout-payments-postgres",
        description = "Built-in scenario name or scenario file (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", converter = DurationConverter.class,
        description = "Play the scenario over this long instead of its own duration; its faults stretch with it.")
    Duration duration;

    @Option(names = "--fast", description = "As fast as possible: event times still advance as in real time, from --start.")
    boolean fast;

    @Option(names = "--start", paramLabel = "INSTANT",
        description = "Event time of the scenario's start (ISO-8601). Default: now; with --fast, now minus the duration.")
    Instant start;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write JSON lines (Avro JSON encoding) here instead of to Kafka.")
    Path output;

    @Option(names = {"-g", "--ground-truth"}, paramLabel = "FILE", description = "Write the injected faults here as JSON lines.")
    Path groundTruth;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Scenario played = ScenarioReader.load(scenario);
        if (duration != null) {
            played = played.over(duration);
        }
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Instant from = start != null ? start : fast ? now.minus(played.duration()) : now;
        TelemetryGenerator generator = new TelemetryGenerator(played, from);
        if (groundTruth != null) {
            GroundTruth.of(generator).write(groundTruth);
        }
        PrintWriter err = spec.commandLine().getErr();
        err.printf("scenario %s: %s (%d s, %d services, %d faults)%n", played.name(), played.description(),
            played.duration().toSeconds(), played.services().size(), played.faults().size());
        long records;
        if (output != null) {
            try (BufferedWriter out = Files.newBufferedWriter(output)) {
                records = play(generator, true, record -> {
                    try {
                        out.write(InputRecords.toJson(record));
                        out.newLine();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, err);
            }
        } else {
            try (InputPublisher publisher = new InputPublisher(settings.load())) {
                records = play(generator, fast, publisher::send, err);
            }
        }
        err.printf("%,d records written%s%n", records, groundTruth == null ? "" : "; ground truth in " + groundTruth);
        err.flush();
        return 0;
    }

    /** Plays the whole scenario, slice by slice, into {@code sink}; paced to the wall clock unless {@code asFastAsPossible}. */
    static long play(TelemetryGenerator generator, boolean asFastAsPossible, Consumer<SpecificRecord> sink, PrintWriter err)
            throws InterruptedException {
        Progress progress = new Progress(err, "generating");
        Duration total = generator.scenario().duration();
        long wallStart = System.nanoTime();
        long records = 0;
        for (Duration elapsed = Duration.ZERO; elapsed.compareTo(total) < 0; elapsed = elapsed.plus(SLICE)) {
            if (!asFastAsPossible) {
                long due = wallStart + elapsed.toNanos();
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            Instant sliceStart = generator.start().plus(elapsed);
            for (Telemetry telemetry : generator.between(sliceStart, sliceStart.plus(SLICE))) {
                sink.accept(telemetry.record());
                records++;
            }
            progress.update(records, Progress.seconds(elapsed, total));
        }
        progress.done(records, Progress.seconds(total, total));
        return records;
    }
}
