package dev.faultline.topology.domain;

import java.util.Optional;

/**
 * The resource metrics the fault rules read, by OpenTelemetry semantic-convention name,
 * and their normalisation to 0..1 ratios: unit "%" divides by 100, unit "1" is a ratio,
 * and without a unit a value above 1 is taken as percent.
 */
public enum ResourceMetric {
    CPU, MEMORY, DISK;

    public static Optional<ResourceMetric> of(String name) {
        return switch (name) {
            case "system.cpu.utilization", "process.cpu.utilization", "container.cpu.utilization" -> Optional.of(CPU);
            case "system.memory.utilization", "process.memory.utilization", "container.memory.utilization" -> Optional.of(MEMORY);
            case "system.filesystem.utilization", "container.filesystem.utilization" -> Optional.of(DISK);
            default -> Optional.empty();
        };
    }

    public static double ratio(double value, String unit) {
        if ("%".equals(unit)) {
            return value / 100;
        }
        if ("1".equals(unit)) {
            return value;
        }
        return value > 1 ? value / 100 : value;
    }

    /** Whether a value can be a utilization at all (0..100 as percent, 0..1 as a ratio). */
    public static boolean plausible(double value, String unit) {
        return Double.isFinite(value) && value >= 0 && ratio(value, unit) <= 1.0;
    }
}
