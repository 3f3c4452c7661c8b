package dev.faultline.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.faultline.generator.GroundTruth;
import dev.faultline.generator.InjectedFault;
import dev.faultline.generator.Scenario;
import dev.faultline.generator.ScenarioReader;
import dev.faultline.generator.TelemetryGenerator;
import dev.faultline.local.LocalKafkaBroker;
import dev.faultline.local.LocalSchemaRegistry;
import dev.faultline.local.Loopback;
import dev.faultline.schema.DegradationChange;
import dev.faultline.schema.FaultEvent;
import dev.faultline.serde.AvroSerde;
import dev.faultline.topology.app.TopicProvisioner;
import dev.faultline.topology.config.AnalyzerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Runs the analyzer on this machine against an incident scenario, with live output.",
        "Starts a local Kafka broker (KRaft) and schema registry (no Docker), analyzer instances as separate processes",
        "and the scenario; prints fault events and degradation changes as they happen, then how many of the injected",
        "faults were detected. Ctrl-C stops every process it started."})
final class DemoCommand implements Callable<Integer> {
    /** After the scenario, long enough for its last windows to close and be judged. */
    private static final Duration LINGER = Duration.ofSeconds(15);
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

    @Option(names = {"-s", "--scenario"}, paramLabel = "NAME|FILE", defaultValue = "checkout-payments-postgres",
        description = "Built-in scenario or scenario file (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", converter = DurationConverter.class,
        description = "Stretch or squeeze the scenario to this long (e.g. 300 or 5m); default: its own duration.")
    Duration duration;

    @Option(names = {"-i", "--instances"}, paramLabel = "N", defaultValue = "2", description = "Analyzer instances (default: ${DEFAULT-VALUE}).")
    int instances;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (instances < 1 || instances > 8) {
            throw new Errors.UsageException("--instances must be 1..8, got " + instances);
        }
        Scenario played = ScenarioReader.load(scenario);
        if (duration != null) {
            played = played.over(duration);
        }
        PrintWriter out = spec.commandLine().getOut();
        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch cleanedUp = new CountDownLatch(1);
        // Ctrl-C: the main loop sees the flag within one poll and stops everything in order;
        // the hook waits for that, so the JVM does not exit with the broker still running.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            try {
                cleanedUp.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }));
        Path work = Files.createTempDirectory("faultline-demo-");
        List<AnalyzerProcess> analyzers = new ArrayList<>();
        out.println("faultline demo: starting a local Kafka broker and schema registry ...");
        out.flush();
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(); LocalSchemaRegistry registry = LocalSchemaRegistry.start()) {
            Properties settings = settings(broker, registry);
            AnalyzerConfig config = AnalyzerConfig.from(asMap(settings));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                TopicProvisioner.ensure(admin, TopicProvisioner.topics(config));
            }
            out.printf("  broker %s, registry %s; starting %d analyzer instances (exactly-once, %d s windows) ...%n",
                broker.bootstrapServers(), registry.url(), instances, config.windowSize().toSeconds());
            out.flush();
            for (int i = 1; i <= instances; i++) {
                analyzers.add(AnalyzerProcess.start(settings, work.resolve("analyzer-" + i), Loopback.freePort()));
            }
            if (awaitReady(analyzers, stopping, out)) {
                play(out, config, played, analyzers, stopping);
            }
            out.println(stopping.get() ? "stopping ..." : "done; stopping ...");
            out.flush();
            analyzers.parallelStream().forEach(AnalyzerProcess::close);
        } finally {
            analyzers.forEach(AnalyzerProcess::close);
            Loopback.deleteQuietly(work);
            out.println("faultline demo: stopped; nothing left running.");
            out.flush();
            cleanedUp.countDown();
        }
        return 0;
    }

    private Properties settings(LocalKafkaBroker broker, LocalSchemaRegistry registry) throws IOException {
        Properties settings = new Properties();
        try (InputStream in = DemoCommand.class.getResourceAsStream("demo.properties")) {
            settings.load(in);
        }
        settings.setProperty("bootstrap.servers", broker.bootstrapServers());
        settings.setProperty("schema.registry.url", registry.url());
        settings.setProperty("application.id", "faultline-demo-" + UUID.randomUUID().toString().substring(0, 8));
        return settings;
    }

    private static Map<String, String> asMap(Properties properties) {
        Map<String, String> map = new java.util.HashMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        return map;
    }

    private static boolean awaitReady(List<AnalyzerProcess> analyzers, AtomicBoolean stopping, PrintWriter out) throws Exception {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (!stopping.get()) {
            for (AnalyzerProcess analyzer : analyzers) {
                if (!analyzer.alive()) {
                    throw new IllegalStateException("an analyzer instance exited at start; its log: " + analyzer.log()
                        + "\n" + tail(analyzer.log()));
                }
            }
            if (analyzers.stream().allMatch(AnalyzerProcess::ready)) {
                return true;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("analyzers not ready within " + READY_TIMEOUT.toSeconds() + " s; logs: "
                    + analyzers.stream().map(a -> a.log().toString()).toList());
            }
            Thread.sleep(250);
        }
        return false;
    }

    private void play(PrintWriter out, AnalyzerConfig config, Scenario played, List<AnalyzerProcess> analyzers, AtomicBoolean stopping)
            throws Exception {
        Instant start = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        TelemetryGenerator generator = new TelemetryGenerator(played, start);
        out.printf("  analyzers RUNNING. Scenario %s for %d s: %s%n", played.name(), played.duration().toSeconds(), played.description());
        for (AnalyzerProcess analyzer : analyzers) {
            out.printf("  Status page: %s/status   (query API under /api/v1, metrics at /metrics; log %s)%n", analyzer.url(), analyzer.log());
        }
        out.println("  Faults and degradation levels appear below as the analyzers emit them (event time first).");
        out.flush();

        AtomicReference<Exception> generatorFailure = new AtomicReference<>();
        Thread generating = new Thread(() -> {
            try (InputPublisher publisher = new InputPublisher(config)) {
                GenerateCommand.play(generator, false, record -> {
                    if (stopping.get()) {
                        throw new IllegalStateException("stopped");
                    }
                    publisher.send(record);
                }, new PrintWriter(OutputStream.nullOutputStream()));
            } catch (Exception e) {
                if (!stopping.get()) {
                    generatorFailure.set(e);
                }
            }
        }, "demo-generator");
        generating.setDaemon(true);
        generating.start();

        List<Banner> banners = banners(played, start);
        List<FaultEvent> faults = new ArrayList<>();
        Instant end = start.plus(played.duration()).plus(LINGER);
        try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().get("bootstrap.servers"),
                ConsumerConfig.GROUP_ID_CONFIG, "faultline-demo-tail-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), outputs(config))) {
            consumer.subscribe(List.of(config.topics().faultEvents(), config.topics().degradationChanges()));
            while (!stopping.get() && Instant.now().isBefore(end)) {
                Instant now = Instant.now();
                while (!banners.isEmpty() && !banners.get(0).at().isAfter(now)) {
                    out.printf("%n--- %s  %s ---%n", EventLines.clock(banners.get(0).at()), banners.remove(0).text());
                }
                for (ConsumerRecord<String, SpecificRecord> record : consumer.poll(Duration.ofMillis(100))) {
                    out.println(EventLines.of(record.value()));
                    if (record.value() instanceof FaultEvent fault) {
                        faults.add(fault);
                    }
                }
                out.flush();
                if (generatorFailure.get() != null) {
                    throw generatorFailure.get();
                }
            }
        }
        if (!stopping.get()) {
            summary(out, GroundTruth.of(generator).score(faults, LINGER));
        }
    }

    private record Banner(Instant at, String text) {
    }

    private static List<Banner> banners(Scenario scenario, Instant start) {
        List<Banner> banners = new ArrayList<>();
        banners.add(new Banner(start, "baseline: " + scenario.services().size() + " services healthy"));
        for (InjectedFault fault : scenario.faults()) {
            String what = fault.type().id() + " in " + fault.service() + fault.target().map(t -> " (-> " + t + ")").orElse("")
                + fault.instance().map(i -> " on " + i).orElse("");
            banners.add(new Banner(start.plus(fault.start()), "injected: " + what));
            banners.add(new Banner(start.plus(fault.end()), "ended: " + what));
        }
        banners.add(new Banner(start.plus(scenario.duration()), "scenario over; last windows closing"));
        banners.sort(Comparator.comparing(Banner::at));
        return banners;
    }

    private static void summary(PrintWriter out, GroundTruth.Score score) {
        out.printf("%nDetected %d of %d expected faults:%n", score.detected(), score.detections().size());
        for (GroundTruth.Detection d : score.detections()) {
            out.printf("  %-8s %-22s %-9s %s%n", d.detected() ? "yes" : "MISSED", d.kind(), d.fault().service(),
                d.delay().map(delay -> delay.toSeconds() + " s after " + d.fault().type().id() + " began")
                    .orElse("(" + d.fault().type().id() + ")"));
        }
        if (!score.unexpected().isEmpty()) {
            out.printf("  %d fault(s) opened on services no injected fault reaches%n", score.unexpected().size());
        }
        out.flush();
    }

    private static Deserializer<SpecificRecord> outputs(AnalyzerConfig config) {
        AvroSerde<FaultEvent> faults = AvroSerde.specific(FaultEvent.class);
        faults.configure(config.kafka(), false);
        AvroSerde<DegradationChange> levels = AvroSerde.specific(DegradationChange.class);
        levels.configure(config.kafka(), false);
        String faultTopic = config.topics().faultEvents();
        return (topic, bytes) -> topic.equals(faultTopic)
            ? faults.deserializer().deserialize(topic, bytes)
            : levels.deserializer().deserialize(topic, bytes);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
