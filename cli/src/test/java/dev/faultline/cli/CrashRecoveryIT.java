package dev.faultline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.faultline.generator.ScenarioReader;
import dev.faultline.generator.Telemetry;
import dev.faultline.generator.TelemetryGenerator;
import dev.faultline.local.LocalKafkaBroker;
import dev.faultline.local.LocalSchemaRegistry;
import dev.faultline.local.Loopback;
import dev.faultline.serde.AvroSerde;
import dev.faultline.topology.app.TopicProvisioner;
import dev.faultline.topology.config.AnalyzerConfig;

/**
 * Crash under load: two analyzer instances as separate JVMs on a deterministic input, one
 * of them killed with SIGKILL at random moments (three times) and restarted, and the outputs
 * (read committed) compared with a reference run that had no crash. Also a broker bounce.
 */
class CrashRecoveryIT {
    private static final int PARTITIONS = 4;
    /** Kills per crash run and minutes of input: 3 and 6 in every build, more with -Preliability. */
    private static final int KILLS = Integer.getInteger("faultline.crash.kills", 3);
    private static final int MINUTES = Integer.getInteger("faultline.crash.minutes", 6);
    private static LocalKafkaBroker broker;
    private static LocalSchemaRegistry registry;
    private static String inputPrefix;
    private static long inputRecords;
    private static List<TopicOutput> reference;
    /** The reference's records (what each is about and its content) and how often each occurred. */
    private static Map<String, Long> referenceCounts;
    private static Instant dataEnd;

    @TempDir
    static Path work;

    @BeforeAll
    static void prepare() throws Exception {
        broker = LocalKafkaBroker.start();
        registry = LocalSchemaRegistry.start();
        inputPrefix = "in-" + UUID.randomUUID().toString().substring(0, 6);
        try {
            writeInput();
        } catch (IllegalStateException unacknowledged) {
            // With what the broker logged: it once failed here, unexplained, while its log was empty (TopicProvisioner).
            throw new IllegalStateException(unacknowledged.getMessage() + "; " + broker.diagnostics(), unacknowledged);
        }
        reference = run("reference", "exactly_once_v2", 1, 0, false);
        referenceCounts = counts(reference);
        System.out.printf("crash test input: %,d records; reference output: %,d records%n", inputRecords, reference.size());
    }

    /** The deterministic input, every record acknowledged by the broker. */
    private static void writeInput() throws Exception {
        AnalyzerConfig input = AnalyzerConfig.from(settingsMap(settings("prepare", "exactly_once_v2")));
        try (Admin admin = broker.admin()) {
            TopicProvisioner.ensure(admin, TopicProvisioner.topics(input));
        }
        // Old enough that liveness follows event time (a replay), so the run is deterministic.
        Instant start = Instant.now().minus(Duration.ofHours(3)).truncatedTo(ChronoUnit.SECONDS);
        TelemetryGenerator generator = new TelemetryGenerator(ScenarioReader.load("network-trouble").over(Duration.ofMinutes(MINUTES)), start);
        dataEnd = start.plus(generator.scenario().duration());
        try (InputPublisher publisher = new InputPublisher(input)) {
            for (Duration t = Duration.ZERO; t.compareTo(generator.scenario().duration()) < 0; t = t.plus(GenerateCommand.SLICE)) {
                for (Telemetry telemetry : generator.between(start.plus(t), start.plus(t).plus(GenerateCommand.SLICE))) {
                    publisher.send(telemetry.record());
                    inputRecords++;
                }
            }
        }
    }

    @AfterAll
    static void stop() {
        registry.close();
        broker.close();
    }

    @Test
    void exactlyOnceLosesAndDuplicatesNothingAcrossKills() throws Exception {
        List<TopicOutput> crashed = run("eos", "exactly_once_v2", 2, KILLS, false);
        Comparison c = compare("eos", crashed);
        System.out.printf("exactly-once, %d x kill -9: %s%n", KILLS, c);
        assertSameAsReference(c);
    }

    @Test
    void atLeastOnceLosesNothingAndTheDuplicatesAreCounted() throws Exception {
        List<TopicOutput> crashed = run("alos", "at_least_once", 2, KILLS, false);
        Comparison c = compare("alos", crashed);
        AtLeastOnceCheck.Result check = AtLeastOnceCheck.of(reference, crashed);
        System.out.printf("at-least-once, %d x kill -9: %s%n  %s%n", KILLS, c, check);
        assertThat(check.windowsChecked()).as("reference windows").isPositive();
        assertThat(check.decisionsChecked()).as("reference decisions checked").isPositive();
        assertThat(check.undercountedWindows()).as("reference windows counting more than the run's").isEmpty();
        assertThat(check.logsMissing()).as("reference classified logs missing").isEmpty();
        assertThat(check.decisionsMissing()).as("reference decisions missing before the service's windows differed").isEmpty();
        assertThat(check.decisionsAdded()).as("decisions added before the service's windows differed").isEmpty();
    }

    @Test
    void aBrokerBounceUnderLoadNeedsNoManualActionAndLosesNothing() throws Exception {
        List<TopicOutput> bounced = run("bounce", "exactly_once_v2", 2, 0, true);
        Comparison c = compare("bounce", bounced);
        System.out.printf("exactly-once, broker stopped and restarted under load: %s%n", c);
        assertSameAsReference(c);
    }

    /** With what differs in the failure message, as a CI log may be all there is to read. */
    private static void assertSameAsReference(Comparison c) {
        assertThat(List.of(c.missing(), c.duplicates(), c.different(), c.extra()))
            .as("missing, duplicates, different, extra: %s; first differences (- reference only, + this run only):%n%s",
                c, String.join("\n", c.differences().subList(0, Math.min(30, c.differences().size()))))
            .containsOnly(0L);
    }

    /** Every record of the output topics after the run, in the order read per partition. */
    private static List<TopicOutput> run(String name, String guarantee, int instances, int kills, boolean bounceBroker) throws Exception {
        Properties settings = settings(name, guarantee);
        AnalyzerConfig config = AnalyzerConfig.from(settingsMap(settings));
        List<AnalyzerProcess> processes = new ArrayList<>();
        Random random = new Random(name.hashCode());
        try {
            for (int i = 0; i < instances; i++) {
                processes.add(AnalyzerProcess.start(settings, work.resolve(name + "-" + i), Loopback.freePort()));
            }
            awaitReady(processes);
            for (int k = 0; k < kills; k++) {
                Thread.sleep(1500 + random.nextInt(3000));
                AnalyzerProcess victim = processes.get(0);
                victim.kill();
                processes.set(0, AnalyzerProcess.start(settings, work.resolve(name + "-0"), Loopback.freePort()));
                awaitReady(processes);
            }
            if (bounceBroker) {
                Thread.sleep(2000);
                broker.stop();
                Thread.sleep(5000);
                broker.restart();
            }
            awaitDone(config);
            closeAllWindows(config);
            awaitDone(config);
            assertThat(processes).allMatch(AnalyzerProcess::alive);
        } finally {
            processes.forEach(AnalyzerProcess::close);
        }
        return outputs(config);
    }

    /**
     * Windows close when stream time passes their end plus grace, so at the end of the input
     * the last ones wait for a later record. One record per partition, at the time the last
     * window of the input closes, closes them all, in every run alike.
     */
    private static void closeAllWindows(AnalyzerConfig config) {
        long window = config.windowSize().toMillis();
        Instant closing = Instant.ofEpochMilli(dataEnd.toEpochMilli() - Math.floorMod(dataEnd.toEpochMilli(), window) + window)
            .plus(config.windowGrace());
        try (InputPublisher publisher = new InputPublisher(config)) {
            Set<Integer> covered = new java.util.HashSet<>();
            for (int n = 0; covered.size() < PARTITIONS; n++) {
                String service = "tick-" + n;
                int partition = org.apache.kafka.common.utils.Utils.toPositive(
                    org.apache.kafka.common.utils.Utils.murmur2(service.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % PARTITIONS;
                if (covered.add(partition)) {
                    publisher.send(dev.faultline.schema.RequestEvent.newBuilder().setService(service).setOperation("tick")
                        .setStartTime(closing).setDurationMs(1).setStatus(dev.faultline.schema.SpanStatus.OK).build());
                }
            }
        }
    }

    private static Properties settings(String name, String guarantee) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", broker.bootstrapServers());
        p.setProperty("schema.registry.url", registry.url());
        p.setProperty("application.id", "crash-" + name + "-" + inputPrefix);
        p.setProperty("processing.guarantee", guarantee);
        p.setProperty("commit.interval.ms", "500");
        // Wait for every input partition before choosing what to process next: the same input, the same order.
        p.setProperty("max.task.idle.ms", "5000");
        p.setProperty(AnalyzerConfig.TOPICS_PARTITIONS, String.valueOf(PARTITIONS));
        p.setProperty(AnalyzerConfig.HTTP_ADVERTISED_HOST, "127.0.0.1");
        p.setProperty(AnalyzerConfig.TOPIC_REQUESTS, inputPrefix + ".requests");
        p.setProperty(AnalyzerConfig.TOPIC_METRICS, inputPrefix + ".metrics");
        p.setProperty(AnalyzerConfig.TOPIC_LOGS, inputPrefix + ".logs");
        for (String output : List.of(AnalyzerConfig.TOPIC_FAULT_EVENTS, AnalyzerConfig.TOPIC_DEGRADATION_CHANGES,
                AnalyzerConfig.TOPIC_WINDOW_STATS, AnalyzerConfig.TOPIC_CLASSIFIED_LOGS, AnalyzerConfig.TOPIC_DEAD_LETTERS,
                AnalyzerConfig.TOPIC_RULES)) {
            p.setProperty(output, AnalyzerConfig.DEFAULTS.get(output) + "-" + name + "-" + inputPrefix);
        }
        return p;
    }

    private static Map<String, String> settingsMap(Properties properties) {
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(n -> map.put(n, properties.getProperty(n)));
        return map;
    }

    private static void awaitReady(List<AnalyzerProcess> processes) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(120);
        while (!processes.stream().allMatch(AnalyzerProcess::ready)) {
            assertThat(processes).as("instances alive").allMatch(AnalyzerProcess::alive);
            assertThat(Instant.now()).as("instances ready within 120 s").isBefore(deadline);
            Thread.sleep(200);
        }
    }

    /**
     * Done: every input record and every record of the repartition topics committed as processed, and the outputs
     * unchanged for 8 s. The repartition counts: after the broker bounce, the tasks that read it can lag behind, with
     * every input record long committed by the tasks that write it.
     */
    private static void awaitDone(AnalyzerConfig config) throws Exception {
        List<String> inputs = config.topics().inputs();
        List<String> outputs = config.topics().outputs();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        Map<TopicPartition, Long> lastOutputEnds = Map.of();
        Instant stableSince = Instant.now();
        try (Admin admin = broker.admin()) {
            while (true) {
                assertThat(Instant.now()).as("processing done within 5 minutes").isBefore(deadline);
                Map<TopicPartition, Long> inputEnds = ends(admin, inputs);
                Map<TopicPartition, OffsetAndMetadata> committed;
                try {
                    committed = admin.listConsumerGroupOffsets(config.applicationId()).partitionsToOffsetAndMetadata().get();
                } catch (java.util.concurrent.ExecutionException brokerAway) {
                    Thread.sleep(500);
                    continue;
                }
                // A partition nothing was ever written to has no committed offset, and needs none.
                boolean inputsDone = !inputEnds.isEmpty() && inputEnds.entrySet().stream().allMatch(e -> e.getValue() == 0
                    || committed.containsKey(e.getKey()) && committed.get(e.getKey()).offset() >= e.getValue());
                Map<TopicPartition, Long> outputEnds = ends(admin, outputs);
                if (!outputEnds.equals(lastOutputEnds)) {
                    lastOutputEnds = outputEnds;
                    stableSince = Instant.now();
                }
                if (inputsDone && Duration.between(stableSince, Instant.now()).compareTo(Duration.ofSeconds(8)) >= 0
                        && repartitionsDone(admin, config.applicationId(), committed)) {
                    return;
                }
                Thread.sleep(500);
            }
        }
    }

    /**
     * Whether no committed record of the application's repartition topics lies at or after the group's committed
     * offset: read as a read-committed consumer reads them, as offsets alone count transaction markers too.
     */
    private static boolean repartitionsDone(Admin admin, String applicationId, Map<TopicPartition, OffsetAndMetadata> committed)
            throws Exception {
        Set<String> topics;
        try {
            topics = admin.listTopics().names().get().stream()
                .filter(t -> t.startsWith(applicationId + "-") && t.endsWith("-repartition")).collect(Collectors.toSet());
        } catch (java.util.concurrent.ExecutionException brokerAway) {
            return false;
        }
        try (KafkaConsumer<byte[], byte[]> consumer = readCommitted()) {
            List<TopicPartition> partitions = partitionsOf(consumer, topics);
            consumer.assign(partitions);
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                if (offset == null) {
                    consumer.seekToBeginning(List.of(partition));
                } else {
                    consumer.seek(partition, offset.offset());
                }
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Instant deadline = Instant.now().plusSeconds(10);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (!consumer.poll(Duration.ofMillis(200)).isEmpty() || Instant.now().isAfter(deadline)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static List<TopicPartition> partitionsOf(KafkaConsumer<byte[], byte[]> consumer, Set<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        topics.forEach(t -> consumer.partitionsFor(t).forEach(p -> partitions.add(new TopicPartition(t, p.partition()))));
        return partitions;
    }

    private static KafkaConsumer<byte[], byte[]> readCommitted() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static Map<TopicPartition, Long> ends(Admin admin, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (String topic : topics) {
            for (int p = 0; p < PARTITIONS; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        }
        try {
            return admin.listOffsets(request).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (java.util.concurrent.ExecutionException brokerAway) {
            return Map.of();
        }
    }

    private static List<TopicOutput> outputs(AnalyzerConfig config) {
        Map<String, String> roles = Map.of(config.topics().faultEvents(), TopicOutput.FAULT_EVENTS,
            config.topics().degradationChanges(), TopicOutput.DEGRADATION_CHANGES, config.topics().windowStats(), TopicOutput.WINDOW_STATS,
            config.topics().classifiedLogs(), TopicOutput.CLASSIFIED_LOGS, config.topics().deadLetters(), TopicOutput.DEAD_LETTERS);
        List<TopicOutput> outputs = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = readCommitted()) {
            List<TopicPartition> partitions = partitionsOf(consumer, roles.keySet());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Function<byte[], String> hex = bytes -> bytes == null ? "-" : HexFormat.of().formatHex(bytes);
            AvroSerde<GenericRecord> generic = AvroSerde.generic();
            generic.configure(Map.of("schema.registry.url", registry.url()), false);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> outputs.add(new TopicOutput(roles.get(r.topic()),
                    hex.apply(r.key()), generic.deserializer().deserialize(r.topic(), r.value()))));
            }
        }
        return outputs;
    }

    private static Map<String, Long> counts(List<TopicOutput> outputs) {
        return outputs.stream().collect(Collectors.groupingBy(TopicOutput::line, Collectors.counting()));
    }

    /**
     * How a run's outputs differ from the reference run's. {@code extra} are records about
     * something the reference run has no record of;
     * {@code different} are records about the same thing with other content.
     */
    private record Comparison(long compared, long missing, long duplicates, long extra, long different, Map<String, Long> missingByTopic,
                              List<String> differences) {
        @Override
        public String toString() {
            return String.format("%,d reference records checked: %d missing %s, %d duplicates, %d different, %d extra",
                compared, missing, missingByTopic, duplicates, different, extra);
        }
    }

    /** Writes what differs from the reference to target/crash-diff-NAME.txt, for a human to read, and returns it. */
    private static List<String> writeDiff(String name, Map<String, Long> run) throws java.io.IOException {
        List<String> lines = new ArrayList<>();
        referenceCounts.forEach((k, v) -> {
            if (run.getOrDefault(k, 0L) < v) {
                lines.add("- " + k);
            }
        });
        run.forEach((k, v) -> {
            if (!referenceCounts.containsKey(k)) {
                lines.add("+ " + k);
            }
        });
        List<String> sorted = lines.stream().sorted().toList();
        java.nio.file.Files.write(Path.of("target", "crash-diff-" + name + ".txt"), sorted);
        return sorted;
    }

    /** Compares a run's outputs with the reference's, and writes what differs (see {@link #writeDiff}). */
    private static Comparison compare(String name, List<TopicOutput> outputs) throws java.io.IOException {
        Map<String, Long> run = counts(outputs);
        List<String> differences = writeDiff(name, run);
        long compared = 0;
        long missing = 0;
        long duplicates = 0;
        long extra = 0;
        long different = 0;
        Map<String, Long> missingByTopic = new HashMap<>();
        Set<String> referenceAbout = reference.stream().map(TopicOutput::about).collect(Collectors.toSet());
        for (Map.Entry<String, Long> e : referenceCounts.entrySet()) {
            compared += e.getValue();
            long got = run.getOrDefault(e.getKey(), 0L);
            if (got < e.getValue()) {
                missing += e.getValue() - got;
                missingByTopic.merge(e.getKey().substring(0, e.getKey().indexOf(' ')), e.getValue() - got, Long::sum);
            } else {
                duplicates += got - e.getValue();
            }
        }
        for (TopicOutput o : outputs) {
            if (!referenceCounts.containsKey(o.line())) {
                if (referenceAbout.contains(o.about())) {
                    different++;
                } else {
                    extra++;
                }
            }
        }
        return new Comparison(compared, missing, duplicates, extra, different, missingByTopic, differences);
    }
}
