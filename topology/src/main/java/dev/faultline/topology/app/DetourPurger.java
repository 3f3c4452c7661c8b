package dev.faultline.topology.app;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.faultline.topology.Names;
import dev.faultline.topology.config.AnalyzerConfig;

/**
 * Deletes the detour's records the application has committed, every {@code repartition.purge.interval.ms}, as Kafka
 * Streams does for its own repartition topics: to Kafka Streams the detour's topic is an ordinary one, kept forever
 * (retention -1) so that no record is deleted before it is read.
 */
final class DetourPurger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DetourPurger.class);

    private final Admin admin;
    private final String group;
    private final String topic;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "faultline-detour-purger");
        thread.setDaemon(true);
        return thread;
    });

    DetourPurger(AnalyzerConfig config) {
        this.admin = Admin.create(Map.copyOf(config.kafka()));
        this.group = config.applicationId();
        this.topic = Names.detourTopic(group);
        // Parsed as Kafka Streams parses it: its default, and a bad value refused naming the key.
        long interval = (Long) StreamsConfig.configDef().parse(config.kafka()).get(StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG);
        timer.scheduleWithFixedDelay(this::purge, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** Deletes the records before each partition's committed offset; returns the offsets it deleted before. */
    Map<TopicPartition, Long> purge() {
        Map<TopicPartition, RecordsToDelete> before = new HashMap<>();
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            committed.forEach((partition, offset) -> {
                if (partition.topic().equals(topic) && offset != null) {
                    before.put(partition, RecordsToDelete.beforeOffset(offset.offset()));
                    offsets.put(partition, offset.offset());
                }
            });
            if (!before.isEmpty()) {
                admin.deleteRecords(before).all().get();
                return offsets;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | RuntimeException e) {
            // Not fatal: the next purge deletes them.
            LOG.debug("Could not purge {}: {}", topic, e.toString());
        }
        return Map.of();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
