package dev.faultline.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Sends a JSON-lines file of input records to the input topics.",
        "Lines are Avro's JSON encoding of RequestEvent, MetricSample or LogRecord (as 'generate --output' and 'tail'",
        "of an input topic write them); each goes to its input topic, keyed by service.",
        "Every line is checked before anything is sent: a bad line stops the replay with its line number."})
final class ReplayCommand implements Callable<Integer> {
    enum Pace { original, fast }

    @Mixin
    Settings settings;

    @Parameters(paramLabel = "FILE", description = "JSON-lines file.")
    Path file;

    @Option(names = {"-p", "--pace"}, paramLabel = "PACE", defaultValue = "fast",
        description = "original (the gaps between event times, divided by --speed) or fast (default: ${DEFAULT-VALUE}).")
    Pace pace;

    @Option(names = "--speed", paramLabel = "FACTOR", defaultValue = "1", description = "With --pace original: play this many times faster.")
    double speed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!(speed > 0)) {
            throw new Errors.UsageException("--speed must be positive, got " + speed);
        }
        long lines = forEachRecord(record -> { });
        PrintWriter err = spec.commandLine().getErr();
        err.printf("%s: %,d records OK; sending (%s pace)%n", file, lines, pace);
        Progress progress = new Progress(err, "replaying");
        long wallStart = System.nanoTime();
        long[] firstEventTime = {Long.MIN_VALUE};
        long[] sent = {0};
        try (InputPublisher publisher = new InputPublisher(settings.load())) {
            forEachRecord(record -> {
                if (pace == Pace.original) {
                    long eventTime = InputRecords.eventTime(record);
                    if (firstEventTime[0] == Long.MIN_VALUE) {
                        firstEventTime[0] = eventTime;
                    }
                    long due = wallStart + (long) ((eventTime - firstEventTime[0]) * 1_000_000L / speed);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        try {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException("interrupted", e);
                        }
                    }
                }
                publisher.send(record);
                progress.update(++sent[0], String.format("%,d/%,d", sent[0], lines));
            });
        }
        progress.done(sent[0], String.format("%,d/%,d", sent[0], lines));
        return 0;
    }

    private long forEachRecord(java.util.function.Consumer<SpecificRecord> action) throws IOException {
        long count = 0;
        long number = 0;
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                SpecificRecord record;
                try {
                    record = InputRecords.fromJson(line);
                } catch (Errors.UsageException e) {
                    throw new Errors.UsageException(file + " line " + number + ": " + e.getMessage());
                }
                action.accept(record);
                count++;
            }
        }
        return count;
    }
}
