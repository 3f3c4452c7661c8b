package dev.faultline.topology.config;

/** How the topology routes input records ({@link InputPartitioning}), for input topics of {@code partitions} partitions each. */
public record InputRouting(InputPartitioning partitioning, int partitions) {
}
