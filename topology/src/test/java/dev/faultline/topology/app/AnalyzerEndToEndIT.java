package dev.faultline.topology.app;

import static dev.faultline.topology.TestEvents.T0;
import static dev.faultline.topology.TestEvents.failedRequest;
import static dev.faultline.topology.TestEvents.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.faultline.local.LocalKafkaBroker;
import dev.faultline.local.LocalSchemaRegistry;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.WindowStats;
import dev.faultline.serde.AvroSerde;
import dev.faultline.topology.config.AnalyzerConfig;

/**
 * The whole path on real parts: a KRaft broker, the local registry, Avro records produced
 * with the project's serde, the analyzer with exactly-once, window statistics read back
 * with read_committed.
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
    void shouldTurnProducedRequestsIntoWindowStatisticsWithExactlyOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", broker.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", "e2e-" + run);
        settings.put("state.dir", stateDir.toString());
        settings.put("processing.guarantee", "exactly_once_v2");
        settings.put("commit.interval.ms", "200");
        settings.put(AnalyzerConfig.TOPICS_PARTITIONS, "3");
        for (String key : AnalyzerConfig.DEFAULTS.keySet()) {
            if (key.startsWith("analyzer.topic.")) {
                settings.put(key, AnalyzerConfig.DEFAULTS.get(key) + "-" + run);
            }
        }
        AnalyzerConfig config = AnalyzerConfig.from(settings);

        try (Analyzer analyzer = Analyzer.start(config)) {
            assertTopicsCreated(config);
            await().atMost(Duration.ofSeconds(60)).until(() -> analyzer.state() == KafkaStreams.State.RUNNING);

            Map<String, WindowStats> firstWindow = new HashMap<>();
            try (KafkaProducer<byte[], RequestEvent> producer = producer();
                 KafkaConsumer<String, WindowStats> consumer = consumer()) {
                send(producer, config.topics().requests(), List.of(
                    request("payments", 20, T0.plusSeconds(1)),
                    failedRequest("payments", 900, T0.plusSeconds(20)),
                    request("payments", 35, T0.plusSeconds(40)),
                    request("checkout", 5, T0.plusSeconds(3))));
                consumer.subscribe(List.of(config.topics().windowStats()));
                // Traffic goes on past window end + grace. Kafka Streams checks for closed
                // windows at most once a second of wall-clock time, so it keeps coming
                // while the test waits, as live traffic would.
                java.util.concurrent.atomic.AtomicInteger tick = new java.util.concurrent.atomic.AtomicInteger();
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    java.time.Instant later = T0.plusSeconds(75 + tick.getAndIncrement() % 30);
                    send(producer, config.topics().requests(), List.of(
                        request("payments", 1, later), request("checkout", 1, later), request("inventory", 1, later)));
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                        if (r.value().getWindowStart().equals(T0)) {
                            firstWindow.put(r.key(), r.value());
                        }
                    });
                    return firstWindow.keySet().containsAll(List.of("payments", "checkout"));
                });
            }
            assertThat(firstWindow.get("payments").getRequestCount()).isEqualTo(3);
            assertThat(firstWindow.get("payments").getErrorCount()).isEqualTo(1);
            assertThat(firstWindow.get("payments").getWindowStart()).isEqualTo(T0);
            assertThat(firstWindow.get("checkout").getRequestCount()).isEqualTo(1);
            assertThat(firstWindow).doesNotContainKey("inventory");
        }
    }

    private void assertTopicsCreated(AnalyzerConfig config) throws Exception {
        try (Admin admin = broker.admin()) {
            Map<String, TopicDescription> topics = admin.describeTopics(Set.of(config.topics().requests(), config.topics().deadLetters()))
                .allTopicNames().get();
            assertThat(topics.values()).allSatisfy(t -> assertThat(t.partitions()).hasSize(3));
            String policy = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, config.topics().deadLetters())))
                .all().get().values().iterator().next().get("cleanup.policy").value();
            assertThat(policy).isEqualTo("delete");
        }
    }

    private KafkaProducer<byte[], RequestEvent> producer() {
        AvroSerde<RequestEvent> serde = AvroSerde.specific(RequestEvent.class);
        serde.configure(Map.of("schema.registry.url", registry.url()), false);
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new ByteArraySerializer(), serde.serializer());
    }

    private static void send(KafkaProducer<byte[], RequestEvent> producer, String topic, List<RequestEvent> requests) throws Exception {
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        for (RequestEvent request : requests) {
            // Keys are arbitrary on input; the analyzer re-keys by service.
            sent.add(producer.send(new ProducerRecord<>(topic, null, request.getStartTime().toEpochMilli(), null, request)));
        }
        for (var f : sent) {
            f.get();
        }
    }

    private KafkaConsumer<String, WindowStats> consumer() {
        AvroSerde<WindowStats> serde = AvroSerde.specific(WindowStats.class);
        serde.configure(Map.of("schema.registry.url", registry.url()), false);
        return new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "e2e-reader-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), serde.deserializer());
    }
}
