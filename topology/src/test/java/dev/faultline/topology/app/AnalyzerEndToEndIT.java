package dev.faultline.topology.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.faultline.local.LocalKafkaBroker;
import dev.faultline.local.LocalSchemaRegistry;
import dev.faultline.schema.DeadLetter;
import dev.faultline.schema.DegradationChange;
import dev.faultline.schema.DegradationLevel;
import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.FaultEventType;
import dev.faultline.schema.FaultKind;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;
import dev.faultline.schema.WindowStats;
import dev.faultline.serde.AvroSerde;
import dev.faultline.topology.config.AnalyzerConfig;

/**
 * A live incident end to end on real parts: a KRaft broker, the local registry, Avro
 * records produced with the project's serde as traffic happens, the analyzer with
 * exactly-once, and its outputs read back with read_committed: window statistics, the
 * fault opening and resolving, the level going up and back, and bad input in the
 * dead-letter topic. Windows are 2 s so the incident takes seconds.
 */
class AnalyzerEndToEndIT {
    private static LocalKafkaBroker broker;
    private static LocalSchemaRegistry registry;

    @TempDir
    static java.nio.file.Path stateDir;

    @BeforeAll
    static void startInfrastructure() {
        broker = LocalKafkaBroker.start();
        registry = LocalSchemaRegistry.start();
    }

    @AfterAll
    static void stopInfrastructure() {
        registry.close();
        broker.close();
    }

    @Test
    void shouldDetectAnIncidentEndToEndWithExactlyOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", broker.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", "e2e-" + run);
        settings.put("state.dir", stateDir.toString());
        settings.put("processing.guarantee", "exactly_once_v2");
        settings.put("commit.interval.ms", "200");
        settings.put(AnalyzerConfig.TOPICS_PARTITIONS, "3");
        settings.put(AnalyzerConfig.WINDOW_SIZE_MS, "2000");
        settings.put(AnalyzerConfig.HTTP_PORT, "0");
        settings.put(AnalyzerConfig.WINDOW_GRACE_MS, "500");
        settings.put("analyzer.rule.high-error-rate.for.ms", "4000");
        for (String key : AnalyzerConfig.DEFAULTS.keySet()) {
            if (key.startsWith("analyzer.topic.")) {
                settings.put(key, AnalyzerConfig.DEFAULTS.get(key) + "-" + run);
            }
        }
        AnalyzerConfig config = AnalyzerConfig.from(settings);

        try (Analyzer analyzer = Analyzer.start(config)) {
            assertTopicsCreated(config);
            await().atMost(Duration.ofSeconds(60)).until(() -> analyzer.state() == KafkaStreams.State.RUNNING);

            List<FaultEvent> faults = new CopyOnWriteArrayList<>();
            List<DegradationChange> levels = new CopyOnWriteArrayList<>();
            List<WindowStats> windows = new CopyOnWriteArrayList<>();
            List<ConsumerRecord<byte[], DeadLetter>> deadLetters = new CopyOnWriteArrayList<>();
            try (KafkaProducer<byte[], RequestEvent> producer = producer();
                 KafkaConsumer<String, FaultEvent> faultConsumer = consumer(FaultEvent.class, new StringDeserializer());
                 KafkaConsumer<String, DegradationChange> levelConsumer = consumer(DegradationChange.class, new StringDeserializer());
                 KafkaConsumer<String, WindowStats> windowConsumer = consumer(WindowStats.class, new StringDeserializer());
                 KafkaConsumer<byte[], DeadLetter> deadLetterConsumer = consumer(DeadLetter.class, new ByteArrayDeserializer())) {
                faultConsumer.subscribe(List.of(config.topics().faultEvents()));
                levelConsumer.subscribe(List.of(config.topics().degradationChanges()));
                windowConsumer.subscribe(List.of(config.topics().windowStats()));
                deadLetterConsumer.subscribe(List.of(config.topics().deadLetters()));

                // Bad input first: it must land in the dead-letter topic, not stop anything.
                try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                    raw.send(new ProducerRecord<>(config.topics().requests(), null, "not avro".getBytes())).get();
                }
                producer.send(new ProducerRecord<>(config.topics().requests(), null, request(Instant.now(), false, -1))).get();

                // 0-3 s healthy, 3-11 s 30 % errors, then healthy until the fault resolves.
                Instant start = Instant.now();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    Instant now = Instant.now();
                    long elapsed = Duration.between(start, now).toMillis();
                    boolean incident = elapsed >= 3_000 && elapsed < 11_000;
                    for (int i = 0; i < 10; i++) {
                        producer.send(new ProducerRecord<>(config.topics().requests(), null, now.toEpochMilli(), null,
                            request(now, incident && i < 3, 20)));
                        producer.send(new ProducerRecord<>(config.topics().requests(), null, now.toEpochMilli(), null,
                            RequestEvent.newBuilder(request(now, false, 20)).setService("checkout").build()));
                    }
                    faultConsumer.poll(Duration.ZERO).forEach(r -> faults.add(r.value()));
                    levelConsumer.poll(Duration.ZERO).forEach(r -> levels.add(r.value()));
                    windowConsumer.poll(Duration.ZERO).forEach(r -> windows.add(r.value()));
                    deadLetterConsumer.poll(Duration.ZERO).forEach(deadLetters::add);
                    return faults.stream().anyMatch(f -> f.getType() == FaultEventType.RESOLVED)
                        && !levels.isEmpty() && levels.get(levels.size() - 1).getToLevel() == DegradationLevel.NONE
                        && deadLetters.size() >= 2;
                });
            }

            assertThat(faults).extracting(f -> f.getType() + " " + f.getService() + " " + f.getKind())
                .containsExactly("OPENED payments HIGH_ERROR_RATE", "RESOLVED payments HIGH_ERROR_RATE");
            assertThat(faults.get(0).getFaultId()).isEqualTo(faults.get(1).getFaultId());
            assertThat(faults.get(0).getKind()).isEqualTo(FaultKind.HIGH_ERROR_RATE);
            assertThat(levels).allSatisfy(l -> assertThat(l.getService()).isEqualTo("payments"));
            assertThat(levels.get(0).getFromLevel()).isEqualTo(DegradationLevel.NONE);
            assertThat(levels.get(0).getToLevel()).isIn(DegradationLevel.LEVEL_1, DegradationLevel.LEVEL_2, DegradationLevel.LEVEL_3);
            assertThat(windows).anySatisfy(w -> {
                assertThat(w.getService()).isEqualTo("checkout");
                assertThat(w.getOperation()).isNull();
                assertThat(w.getRequestCount()).isPositive();
                assertThat(w.getErrorCount()).isZero();
            });
            assertThat(deadLetters).extracting(r -> r.value().getReason() + " " + new String(r.headers().lastHeader("__streams.errors.topic").value()))
                .containsExactlyInAnyOrder("DESERIALIZATION_ERROR " + config.topics().requests(), "VALIDATION_ERROR " + config.topics().requests());
        }
    }

    private static RequestEvent request(Instant start, boolean failed, double durationMs) {
        return RequestEvent.newBuilder().setService("payments").setOperation("POST /charge").setStartTime(start)
            .setDurationMs(durationMs).setStatus(failed ? SpanStatus.ERROR : SpanStatus.OK).build();
    }

    private void assertTopicsCreated(AnalyzerConfig config) throws Exception {
        try (Admin admin = broker.admin()) {
            Map<String, TopicDescription> topics = admin.describeTopics(Set.of(config.topics().requests(), config.topics().deadLetters()))
                .allTopicNames().get();
            assertThat(topics.values()).allSatisfy(t -> assertThat(t.partitions()).hasSize(3));
            String policy = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, config.topics().rules())))
                .all().get().values().iterator().next().get("cleanup.policy").value();
            assertThat(policy).isEqualTo("compact");
        }
    }

    private KafkaProducer<byte[], RequestEvent> producer() {
        AvroSerde<RequestEvent> serde = AvroSerde.specific(RequestEvent.class);
        serde.configure(Map.of("schema.registry.url", registry.url()), false);
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new ByteArraySerializer(), serde.serializer());
    }

    private <K, V extends org.apache.avro.specific.SpecificRecord> KafkaConsumer<K, V> consumer(Class<V> type, Deserializer<K> keys) {
        AvroSerde<V> serde = AvroSerde.specific(type);
        serde.configure(Map.of("schema.registry.url", registry.url()), false);
        return new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "e2e-reader-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), keys, serde.deserializer());
    }
}
