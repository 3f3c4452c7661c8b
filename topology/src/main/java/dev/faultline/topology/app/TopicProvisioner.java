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
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.faultline.topology.Names;
import dev.faultline.topology.config.AnalyzerConfig;
import dev.faultline.topology.config.InputPartitioning;
import dev.faultline.topology.config.InputRouting;
import dev.faultline.topology.config.InvalidConfigException;
import dev.faultline.topology.config.TopicNames;

/**
 * Creates the analyzer's input and output topics with explicit partition counts and
 * cleanup policies; existing topics are left as they are. Internal topics (repartition,
 * changelog) are Kafka Streams' own business, except the detour's ({@link #routing}).
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
     * The routing {@code analyzer.input.keyed-by-service} asks for, checked against the input topics, with the detour's
     * topic created when {@code auto} needs it. Reading records in place needs input topics of one partition count (a
     * service's records are then in the same partition of each): {@code true} fails without it, {@code auto} falls
     * back to the repartition.
     */
    public static InputRouting routing(Admin admin, AnalyzerConfig config) throws InterruptedException {
        InputPartitioning asked = config.inputPartitioning();
        if (asked == InputPartitioning.REPARTITION) {
            return new InputRouting(asked, config.topicPartitions());
        }
        Map<String, Integer> counts = partitionCounts(admin, config.topics().inputs(), asked);
        if (new java.util.HashSet<>(counts.values()).size() != 1) {
            if (asked == InputPartitioning.IN_PLACE) {
                throw new InvalidConfigException(AnalyzerConfig.INPUT_KEYED_BY_SERVICE, asked.setting(),
                    "needs input topics with one partition count, found " + counts);
            }
            LOG.warn("Input topics have different partition counts {}: every record goes through the repartition by service", counts);
            return new InputRouting(InputPartitioning.REPARTITION, config.topicPartitions());
        }
        int partitions = counts.values().iterator().next();
        if (asked == InputPartitioning.AUTO) {
            ensureDetour(admin, config, partitions);
        }
        return new InputRouting(asked, partitions);
    }

    /**
     * Creates the detour's topic as Kafka Streams creates a repartition topic ({@link DetourPurger} deletes what the
     * application has committed), unless it exists with the input topics' partition count.
     */
    private static void ensureDetour(Admin admin, AnalyzerConfig config, int partitions) throws InterruptedException {
        String topic = Names.detourTopic(config.applicationId());
        int replication = (Integer) StreamsConfig.configDef().parse(config.kafka()).get(StreamsConfig.REPLICATION_FACTOR_CONFIG);
        ensure(admin, List.of(new NewTopic(topic, Optional.of(partitions), Optional.of((short) replication))
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.SEGMENT_BYTES_CONFIG, String.valueOf(50 << 20), TopicConfig.RETENTION_MS_CONFIG, "-1"))));
        int existing = partitionCounts(admin, List.of(topic), InputPartitioning.AUTO).get(topic);
        if (existing != partitions) {
            throw new InvalidConfigException(AnalyzerConfig.INPUT_KEYED_BY_SERVICE, InputPartitioning.AUTO.setting(),
                "needs topic " + topic + " with the input topics' " + partitions + " partitions, it has " + existing
                    + " (once the application has read it to the end, delete it and it is created again; or set false)");
        }
    }

    private static Map<String, Integer> partitionCounts(Admin admin, List<String> topics, InputPartitioning asked)
            throws InterruptedException {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        try {
            admin.describeTopics(topics).allTopicNames().get()
                .forEach((topic, description) -> counts.put(topic, description.partitions().size()));
        } catch (ExecutionException e) {
            throw new InvalidConfigException(AnalyzerConfig.INPUT_KEYED_BY_SERVICE, asked.setting(),
                "needs the topics " + topics + " to exist, to compare their partition counts: " + e.getCause().getMessage());
        }
        return counts;
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
