package dev.faultline.generator;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.faultline.schema.FaultKind;

/**
 * The faults a scenario can inject, named after the experiments chaos tools run. Each knows
 * its default magnitude, the range a magnitude may take, and the fault kinds the analyzer is
 * expected to report for it (the ground truth detections are scored against).
 */
public enum FaultType {
    /** Adds {@code magnitude} milliseconds to every request of the service. */
    LATENCY("latency", 1500, 1, 600_000, FaultKind.HIGH_LATENCY),
    /** Fails {@code magnitude} of the service's requests with HTTP 500. */
    ERROR_RATE("error-rate", 0.3, 0, 1, FaultKind.HIGH_ERROR_RATE),
    /** Drives CPU utilization of the service's instances to {@code magnitude}. */
    CPU("cpu-exhaustion", 0.95, 0, 1, FaultKind.CPU_OVERLOAD),
    /** Memory climbs to {@code magnitude} over the fault (a leak); out-of-memory logs near the top. */
    MEMORY("memory-exhaustion", 0.93, 0, 1, FaultKind.MEMORY_PRESSURE),
    /** Fills one instance's disk to {@code magnitude}; writes fail with ENOSPC. */
    DISK("disk-exhaustion", 0.97, 0, 1, FaultKind.DISK_SPACE_FULL),
    /** The service cannot resolve its {@code target}: {@code magnitude} of its requests fail. */
    DNS("dns-failure", 0.4, 0, 1, FaultKind.DNS_RESOLUTION_FAILED),
    /** No route from the service to its {@code target}: {@code magnitude} of its requests fail. */
    NETWORK("network-partition", 0.4, 0, 1, FaultKind.NETWORK_UNREACHABLE),
    /** The service's {@code target} stops answering: calls time out, {@code magnitude} of requests fail. */
    DEPENDENCY_OUTAGE("dependency-outage", 0.35, 0, 1, FaultKind.CONNECTION_TIMEOUT, FaultKind.HIGH_ERROR_RATE),
    /** The service's processes are killed: it sends nothing at all. */
    PROCESS_KILL("process-kill", 1, 1, 1, FaultKind.SERVICE_DOWN),
    /** A deploy that logs error messages never seen before and fails {@code magnitude} of requests. */
    BAD_DEPLOY("bad-deploy", 0.08, 0, 1, FaultKind.NEW_ERROR_PATTERN);

    private final String id;
    private final double defaultMagnitude;
    private final double minMagnitude;
    private final double maxMagnitude;
    private final List<FaultKind> expected;

    FaultType(String id, double defaultMagnitude, double minMagnitude, double maxMagnitude, FaultKind... expected) {
        this.id = id;
        this.defaultMagnitude = defaultMagnitude;
        this.minMagnitude = minMagnitude;
        this.maxMagnitude = maxMagnitude;
        this.expected = List.of(expected);
    }

    /** The name used in scenario files and ground truth. */
    public String id() {
        return id;
    }

    public double defaultMagnitude() {
        return defaultMagnitude;
    }

    public boolean accepts(double magnitude) {
        return magnitude >= minMagnitude && magnitude <= maxMagnitude;
    }

    public String range() {
        return minMagnitude + ".." + maxMagnitude;
    }

    public List<FaultKind> expectedKinds() {
        return expected;
    }

    /** Whether the fault needs a {@code target} (the dependency it is about). */
    public boolean needsTarget() {
        return this == DNS || this == NETWORK || this == DEPENDENCY_OUTAGE;
    }

    public static Optional<FaultType> byId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }

    public static String ids() {
        return Arrays.stream(values()).map(FaultType::id).collect(Collectors.joining(", "));
    }
}
