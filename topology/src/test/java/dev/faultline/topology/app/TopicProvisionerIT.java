package dev.faultline.topology.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.faultline.local.LocalKafkaBroker;

/** Topics the provisioner created take their first writes at once, on every partition. */
class TopicProvisionerIT {
    private static final int ROUNDS = 20;
    private static final int PARTITIONS = 4;

    @Test
    void everyPartitionOfCreatedTopicsTakesItsFirstWriteWithoutARetry() throws Exception {
        double retries = 0;
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(); Admin admin = broker.admin()) {
            for (int round = 0; round < ROUNDS; round++) {
                List<NewTopic> topics = new ArrayList<>();
                for (String name : List.of("requests", "metrics", "logs")) {
                    topics.add(new NewTopic("round-" + round + "." + name, PARTITIONS, (short) 1));
                }
                assertThat(TopicProvisioner.ensure(admin, topics)).hasSize(topics.size());
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
                    for (NewTopic topic : topics) {
                        for (int p = 0; p < PARTITIONS; p++) {
                            producer.send(new ProducerRecord<>(topic.name(), p, "k", "v"));
                        }
                    }
                    producer.flush();
                    retries += producer.metrics().entrySet().stream()
                        .filter(e -> e.getKey().group().equals("producer-metrics") && e.getKey().name().equals("record-retry-total"))
                        .mapToDouble(e -> (Double) e.getValue().metricValue()).sum();
                }
            }
        }
        // A retried first batch is how an idempotent producer got stuck: NOT_LEADER_OR_FOLLOWER on it, its
        // successors accepted, then OUT_OF_ORDER_SEQUENCE_NUMBER on every retry until the delivery timeout.
        assertThat(retries).as("produce retries on %d fresh partitions", ROUNDS * 3 * PARTITIONS).isZero();
    }
}
