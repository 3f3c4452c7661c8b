package dev.faultline.topology.app;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.faultline.topology.config.AnalyzerConfig;
import dev.faultline.topology.config.InvalidConfigException;
import dev.faultline.topology.config.TopicNames;

/**
 * Creates the analyzer's input and output topics with explicit partition counts and
 * cleanup policies; existing topics are left as they are. Internal topics (repartition,
 * changelog) are Kafka Streams' own business.
 */
public final class TopicProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {
    }

    /**
     * The topics and their settings: event streams are cleaned up by time; the rules topic
     * is compacted, since only the latest rule set under each key matters.
     */
    public static List<NewTopic> topics(AnalyzerConfig config) {
        TopicNames names = config.topics();
        List<NewTopic> topics = new ArrayList<>();
        List<String> all = new ArrayList<>(names.inputs());
        all.addAll(names.outputs());
        Optional<Short> replication = config.topicReplicationFactor() < 0 ? Optional.empty() : Optional.of(config.topicReplicationFactor());
        for (String name : all) {
            topics.add(new NewTopic(name, Optional.of(config.topicPartitions()), replication)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE)));
        }
        topics.add(new NewTopic(names.rules(), Optional.of(1), replication)
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        return topics;
    }

    /**
     * The partition count of the input topics, which must be one count for
     * {@code analyzer.input.keyed-by-service}: a service's records are then in the same
     * partition of each.
     */
    public static int keyedInputPartitions(Admin admin, AnalyzerConfig config) throws InterruptedException {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        try {
            admin.describeTopics(config.topics().inputs()).allTopicNames().get()
                .forEach((topic, description) -> counts.put(topic, description.partitions().size()));
        } catch (ExecutionException e) {
            throw new InvalidConfigException(AnalyzerConfig.INPUT_KEYED_BY_SERVICE, true,
                "needs the input topics to exist, to compare their partition counts: " + e.getCause().getMessage());
        }
        if (new java.util.HashSet<>(counts.values()).size() != 1) {
            throw new InvalidConfigException(AnalyzerConfig.INPUT_KEYED_BY_SERVICE, true,
                "needs input topics with one partition count, found " + counts);
        }
        return counts.values().iterator().next();
    }

    /** Creates what is missing; returns the names it created. */
    public static List<String> ensure(Admin admin, List<NewTopic> topics) throws InterruptedException {
        CreateTopicsResult result = admin.createTopics(topics);
        List<String> created = new ArrayList<>();
        for (NewTopic topic : topics) {
            try {
                result.values().get(topic.name()).get();
                created.add(topic.name());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e.getCause());
                }
            }
        }
        if (!created.isEmpty()) {
            LOG.info("Created topics {}", created);
            awaitLeaders(admin, created);
        }
        return created;
    }

    /**
     * Waits until the leader of every partition of new topics serves it. Metadata names a
     * leader before that broker acts as one; an idempotent producer whose first batch then
     * meets NOT_LEADER_OR_FOLLOWER while its next batches are accepted retries that first
     * batch with OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout (seen with the local
     * broker). ListOffsets is answered by the partition's leader only, as Produce is.
     */
    private static void awaitLeaders(Admin admin, List<String> topics) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                admin.describeTopics(topics).allTopicNames().get().values().forEach(d -> d.partitions()
                    .forEach(p -> partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
                admin.listOffsets(partitions).all().get();
                return;
            } catch (ExecutionException notYetServed) {
                // metadata still propagating, or a leader not yet acting as one: try again
            }
            Thread.sleep(100);
        }
        LOG.warn("Topics {} still have partitions whose leader does not serve them after 30 s", topics);
    }
}
