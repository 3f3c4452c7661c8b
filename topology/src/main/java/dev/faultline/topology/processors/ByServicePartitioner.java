package dev.faultline.topology.processors;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Fault events are keyed {@code service/kind} but partitioned by service alone, exactly as
 * a record keyed by the service would be, so a consumer sees one service's events in order.
 */
public final class ByServicePartitioner<V> implements StreamPartitioner<String, V> {
    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, V value, int numPartitions) {
        return Optional.of(Set.of(partitionOf(key.substring(0, Math.max(0, key.lastIndexOf('/'))), numPartitions)));
    }

    /** The partition of a record keyed by {@code service} under Kafka's default partitioner. */
    public static int partitionOf(String service, int numPartitions) {
        return Utils.toPositive(Utils.murmur2(service.getBytes(StandardCharsets.UTF_8))) % numPartitions;
    }
}
