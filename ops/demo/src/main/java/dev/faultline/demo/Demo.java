package dev.faultline.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;

import dev.faultline.local.LocalKafkaBroker;
import dev.faultline.local.LocalSchemaRegistry;
import dev.faultline.schema.DegradationChange;
import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.LogRecord;
import dev.faultline.schema.RequestEvent;
import dev.faultline.serde.AvroSerde;
import dev.faultline.serde.AvroSerializer;
import dev.faultline.topology.app.Analyzer;
import dev.faultline.topology.config.AnalyzerConfig;

/**
 * {@code Demo [--duration SECONDS]}: starts a local broker and registry, the analyzer and
 * the sample incident, prints each closed window as it is emitted, and stops everything it
 * started when the time is up or on Ctrl-C.
 */
public final class Demo {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final Duration WINDOW = Duration.ofSeconds(10);

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        // Before any logger exists: the analyzer's own logback.xml is for running it as a service.
        System.setProperty("logback.configurationFile", "demo-logback.xml");
        Duration duration = Duration.ofSeconds(120);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--duration") && i + 1 < args.length) {
                duration = Duration.ofSeconds(Long.parseLong(args[++i]));
            } else {
                System.err.println("usage: demo [--duration SECONDS]   (default 120)");
                System.exit(2);
            }
        }
        PrintStream out = System.out;
        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch cleanedUp = new CountDownLatch(1);
        // Ctrl-C: the main loop sees the flag within one poll and closes everything in order;
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
        out.println("faultline demo: starting a local Kafka broker and schema registry ...");
        try (LocalKafkaBroker broker = LocalKafkaBroker.start();
             LocalSchemaRegistry registry = LocalSchemaRegistry.start()) {
            AnalyzerConfig config = AnalyzerConfig.from(settings(broker, registry, work));
            out.printf("  broker %s, registry %s%n  starting the analyzer ...%n", broker.bootstrapServers(), registry.url());
            try (Analyzer analyzer = Analyzer.start(config)) {
                run(out, config, registry, analyzer, duration, stopping);
                out.println(stopping.get() ? "stopping ..." : "done; stopping ...");
            }
        } finally {
            deleteQuietly(work);
            out.println("faultline demo: stopped; nothing left running.");
            cleanedUp.countDown();
        }
    }

    private static Map<String, String> settings(LocalKafkaBroker broker, LocalSchemaRegistry registry, Path work) {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", broker.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", "faultline-demo");
        settings.put("state.dir", work.resolve("state").toString());
        settings.put("commit.interval.ms", "500");
        // Short windows so the story fits in two minutes; production defaults are 60 s and 10 s.
        settings.put(AnalyzerConfig.WINDOW_SIZE_MS, String.valueOf(WINDOW.toMillis()));
        settings.put(AnalyzerConfig.WINDOW_GRACE_MS, "2000");
        settings.put(AnalyzerConfig.TOPICS_PARTITIONS, "2");
        // The fault model's durations, scaled from 60 s to 10 s windows.
        settings.put("analyzer.rule.high-error-rate.for.ms", "20000");
        settings.put("analyzer.rule.high-latency.for.ms", "30000");
        settings.put("analyzer.rule.memory-pressure.high.for.ms", "30000");
        settings.put("analyzer.rule.update-cooldown.ms", "30000");
        settings.put("analyzer.rule.service-down.timeout.ms", "20000");
        settings.put(AnalyzerConfig.LIVENESS_CHECK_INTERVAL_MS, "1000");
        settings.put(AnalyzerConfig.HTTP_PORT, "0");
        settings.put(AnalyzerConfig.HTTP_ADVERTISED_HOST, "127.0.0.1");
        return settings;
    }

    private static void run(PrintStream out, AnalyzerConfig config, LocalSchemaRegistry registry, Analyzer analyzer,
                            Duration duration, AtomicBoolean stopping) throws InterruptedException {
        while (analyzer.state() != KafkaStreams.State.RUNNING) {
            if (stopping.get()) {
                return;
            }
            Thread.sleep(100);
        }
        SampleIncident incident = new SampleIncident(duration);
        out.printf("  analyzer RUNNING. Sample incident for %d s: checkout -> payments -> postgres, %d s windows.%n",
            duration.toSeconds(), WINDOW.toSeconds());
        out.printf("  Status page: http://127.0.0.1:%d/status  (query API under /api/v1, metrics at /metrics)%n", analyzer.httpPort());
        out.printf("  Faults and degradation levels appear below as the analyzer emits them (event time first).%n");

        Map<String, Object> serde = Map.of("schema.registry.url", registry.url());
        Instant start = Instant.now();
        String phase = "";
        String bootstrap = config.kafka().get("bootstrap.servers").toString();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(
                 ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, "20"),
                 new StringSerializer(), serializer(serde));
             KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(Map.of(
                 ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                 ConsumerConfig.GROUP_ID_CONFIG, "faultline-demo-tail-" + UUID.randomUUID(),
                 ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                 ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), deserializer(serde))) {
            consumer.subscribe(List.of(config.topics().faultEvents(), config.topics().degradationChanges()));
            while (!stopping.get()) {
                Instant now = Instant.now();
                Duration elapsed = Duration.between(start, now);
                if (elapsed.compareTo(duration) >= 0) {
                    break;
                }
                String current = incident.phase(elapsed);
                if (!current.equals(phase)) {
                    out.printf("%n--- %s  %s ---%n", clock(now), current);
                    phase = current;
                }
                for (SpecificRecord record : incident.tick(now, elapsed)) {
                    producer.send(new ProducerRecord<>(topicOf(config, record), null, record));
                }
                for (ConsumerRecord<String, SpecificRecord> record : consumer.poll(Duration.ofMillis(100))) {
                    out.println(describe(record.value()));
                }
            }
        }
    }

    private static String topicOf(AnalyzerConfig config, SpecificRecord record) {
        if (record instanceof RequestEvent) {
            return config.topics().requests();
        }
        return record instanceof LogRecord ? config.topics().logs() : config.topics().metrics();
    }

    static String describe(SpecificRecord record) {
        if (record instanceof FaultEvent f) {
            return String.format("%s  FAULT %-8s %-9s %-22s %-8s %s", clock(f.getEventTime()), f.getType(), f.getService(),
                f.getKind(), f.getSeverity(), f.getEvidence().getSummary());
        }
        DegradationChange c = (DegradationChange) record;
        String deciding = c.getDeciding().stream()
            .map(m -> String.format("%s %.2f %s %.2f", m.getName(), m.getValue(), m.getComparison(), m.getThreshold()))
            .collect(Collectors.joining(", "));
        return String.format("%s  LEVEL %-8s %-9s %-22s %-8s %s", clock(c.getEventTime()), "", c.getService(),
            c.getFromLevel() + " -> " + c.getToLevel(), "", deciding);
    }

    /** Writes each record with its own schema, under the subject of the topic it goes to. */
    private static Serializer<SpecificRecord> serializer(Map<String, Object> serde) {
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(serde, false);
        return serializer;
    }

    private static Deserializer<SpecificRecord> deserializer(Map<String, Object> serde) {
        AvroSerde<FaultEvent> faults = AvroSerde.specific(FaultEvent.class);
        faults.configure(serde, false);
        AvroSerde<DegradationChange> levels = AvroSerde.specific(DegradationChange.class);
        levels.configure(serde, false);
        return (topic, bytes) -> topic.contains("fault-events")
            ? faults.deserializer().deserialize(topic, bytes)
            : levels.deserializer().deserialize(topic, bytes);
    }

    private static String clock(Instant instant) {
        return LocalTime.ofInstant(instant, ZoneId.systemDefault()).format(CLOCK);
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temp dir left behind is harmless.
        }
    }
}
