package dev.faultline.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The launcher starts a real KRaft broker that serves clients, and survives a restart with its data. */
class LocalKafkaBrokerIT {
    private static LocalKafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = LocalKafkaBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
        assertThat(broker.dataDir()).doesNotExist();
    }

    @Test
    void shouldServeProducersConsumersAndAdminsAndKeepDataAcrossARestart() throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("launcher-test", 3, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
            ConfigEntry policy = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "launcher-test")))
                .all().get().values().iterator().next().get(TopicConfig.CLEANUP_POLICY_CONFIG);
            assertThat(policy.value()).isEqualTo("compact");
            assertThat(admin.describeTopics(Set.of("launcher-test")).allTopicNames().get().get("launcher-test").partitions()).hasSize(3);
        }
        produce("k", "before-restart");

        broker.stop();
        broker.restart();
        produce("k", "after-restart");

        assertThat(consumeAll(2)).containsExactly("before-restart", "after-restart");
    }

    @Test
    void itsLogAndDiagnosticsSayWhatTheBrokerDid() throws Exception {
        // Kafka's server code logs through SLF4J 2: without its log4j2 provider every line is dropped, and a
        // broker that stops answering in a test leaves nothing to read.
        assertThat(Files.readString(broker.logFile())).contains("Kafka Server started").doesNotContain("No SLF4J providers");
        assertThat(broker.diagnostics()).contains("running", "MiB free under " + broker.dataDir(), "Kafka Server started");
    }

    private static void produce(String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("launcher-test", key, value)).get();
        }
    }

    private static List<String> consumeAll(int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "launcher-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("launcher-test"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
