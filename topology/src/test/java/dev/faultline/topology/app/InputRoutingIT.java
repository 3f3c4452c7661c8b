package dev.faultline.topology.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.faultline.local.LocalKafkaBroker;
import dev.faultline.topology.Names;
import dev.faultline.topology.config.AnalyzerConfig;
import dev.faultline.topology.config.InputPartitioning;
import dev.faultline.topology.config.InputRouting;
import dev.faultline.topology.config.InvalidConfigException;

/** The routing {@code analyzer.input.keyed-by-service} asks for, against a real broker's topics, and the detour's purge. */
class InputRoutingIT {
    private static LocalKafkaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() {
        broker = LocalKafkaBroker.start();
        admin = broker.admin();
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    /** An application of its own, with input topics of {@code partitions} partitions each (requests, metrics, logs). */
    private static AnalyzerConfig application(String keyedByService, int... partitions) throws Exception {
        String prefix = "routing-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = new HashMap<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
            "schema.registry.url", "http://localhost:1", "application.id", prefix, "repartition.purge.interval.ms", "3600000",
            AnalyzerConfig.INPUT_KEYED_BY_SERVICE, keyedByService, AnalyzerConfig.TOPICS_PARTITIONS, "6"));
        List<String> inputs = List.of(AnalyzerConfig.TOPIC_REQUESTS, AnalyzerConfig.TOPIC_METRICS, AnalyzerConfig.TOPIC_LOGS);
        for (int i = 0; i < inputs.size(); i++) {
            settings.put(inputs.get(i), prefix + ".input-" + i);
            // As the analyzer does: created topics are used once their partitions are served.
            TopicProvisioner.ensure(admin, List.of(new NewTopic(prefix + ".input-" + i, partitions[i], (short) 1)));
        }
        return AnalyzerConfig.from(settings);
    }

    @Test
    void shouldCreateTheDetourWithTheInputsPartitionCountAndNoRetentionLimit() throws Exception {
        AnalyzerConfig config = application("auto", 3, 3, 3);

        assertThat(TopicProvisioner.routing(admin, config)).isEqualTo(new InputRouting(InputPartitioning.AUTO, 3));

        String detour = Names.detourTopic(config.applicationId());
        assertThat(admin.describeTopics(List.of(detour)).allTopicNames().get().get(detour).partitions()).hasSize(3);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, detour);
        assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource).get(TopicConfig.RETENTION_MS_CONFIG).value())
            .isEqualTo("-1");
        // Asked again, as every restart does, it is found as it is.
        assertThat(TopicProvisioner.routing(admin, config)).isEqualTo(new InputRouting(InputPartitioning.AUTO, 3));
    }

    @Test
    void shouldDeleteTheDetoursRecordsTheApplicationCommittedAndNoMore() throws Exception {
        AnalyzerConfig config = application("auto", 2, 2, 2);
        TopicProvisioner.routing(admin, config);
        TopicPartition first = new TopicPartition(Names.detourTopic(config.applicationId()), 0);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(first.topic(), first.partition(), "svc", "record " + i));
            }
        }
        admin.alterConsumerGroupOffsets(config.applicationId(), Map.of(first, new OffsetAndMetadata(6))).all().get();

        try (DetourPurger purger = new DetourPurger(config)) {
            assertThat(purger.purge()).isEqualTo(Map.of(first, 6L));
        }
        assertThat(admin.listOffsets(Map.of(first, OffsetSpec.earliest())).partitionResult(first).get().offset()).isEqualTo(6);
        assertThat(admin.listOffsets(Map.of(first, OffsetSpec.latest())).partitionResult(first).get().offset()).isEqualTo(10);
    }

    @Test
    void shouldRepartitionEverythingWhenAutoMeetsInputsOfDifferentPartitionCountsAndRefuseInPlace() throws Exception {
        assertThat(TopicProvisioner.routing(admin, application("auto", 3, 2, 3)))
            .isEqualTo(new InputRouting(InputPartitioning.REPARTITION, 6));

        AnalyzerConfig keyed = application("true", 3, 2, 3);
        assertThatThrownBy(() -> TopicProvisioner.routing(admin, keyed)).isInstanceOf(InvalidConfigException.class)
            .hasMessageStartingWith("analyzer.input.keyed-by-service=true is invalid: needs input topics with one partition count");
    }

    @Test
    void shouldRefuseADetourWhosePartitionCountIsNotTheInputs() throws Exception {
        AnalyzerConfig config = application("auto", 3, 3, 3);
        String detour = Names.detourTopic(config.applicationId());
        TopicProvisioner.ensure(admin, List.of(new NewTopic(detour, 2, (short) 1)));

        assertThatThrownBy(() -> TopicProvisioner.routing(admin, config)).isInstanceOf(InvalidConfigException.class)
            .hasMessage("analyzer.input.keyed-by-service=auto is invalid: needs topic " + detour + " with the input topics' 3 partitions,"
                + " it has 2 (once the application has read it to the end, delete it and it is created again; or set false)");
    }
}
