package dev.faultline.topology.domain;

import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import dev.faultline.schema.FaultKind;
import dev.faultline.schema.Severity;

/**
 * Thresholds of the fault rules (fault-model.md section 5) for one service. "For" durations
 * count from the start of the first window in which the condition held; a rule that holds
 * for "one window" fires as that window closes.
 */
public record HealthRules(
    double errorRate, long errorRateMinRequests, Duration errorRateFor,
    double latencyP95Ms, Duration latencyFor,
    double cpu, Duration cpuFor,
    double memoryHigh, Duration memoryHighFor, double memoryCritical, Duration memoryCriticalFor,
    double disk,
    double lowThroughputRatio, double lowThroughputFloor, int lowThroughputWindows, int baselineWarmupWindows,
    int logKindMinCount, Set<FaultKind> singleRecordKinds, Map<FaultKind, Severity> logKindSeverity,
    Duration serviceDownTimeout,
    Duration newPatternQuiet,
    Duration windowSize,
    FaultLifecycle.Policy lifecycle,
    DegradationPolicy degradation) {

    /** The kinds that open from classified logs. */
    public static final Set<FaultKind> LOG_KINDS = EnumSet.of(
        FaultKind.CONNECTION_TIMEOUT, FaultKind.CONNECTION_REFUSED, FaultKind.NETWORK_UNREACHABLE,
        FaultKind.DNS_RESOLUTION_FAILED, FaultKind.TLS_HANDSHAKE_FAILED,
        FaultKind.OUT_OF_MEMORY, FaultKind.RESOURCE_EXHAUSTED, FaultKind.DISK_SPACE_FULL,
        FaultKind.DATA_CORRUPTION, FaultKind.DATA_LOSS, FaultKind.SERIALIZATION_ERROR, FaultKind.VALIDATION_ERROR,
        FaultKind.FORMAT_ERROR, FaultKind.CONFIGURATION_ERROR, FaultKind.PERMISSION_DENIED);

    /** The defaults of the fault model for a window size; the severity of log kinds from the rule set. */
    public static HealthRules defaults(Duration window, RuleSet rules) {
        Map<FaultKind, Severity> severities = new EnumMap<>(FaultKind.class);
        rules.rules().forEach(rule -> severities.putIfAbsent(rule.kind(), rule.severity()));
        return new HealthRules(
            0.10, 20, Duration.ofMinutes(2),
            1000, Duration.ofMinutes(5),
            0.80, window,
            0.80, Duration.ofMinutes(5), 0.90, window,
            0.95,
            0.5, 1.0, 3, 5,
            5, EnumSet.of(FaultKind.OUT_OF_MEMORY, FaultKind.DATA_CORRUPTION, FaultKind.DATA_LOSS, FaultKind.DISK_SPACE_FULL),
            Map.copyOf(severities),
            Duration.ofSeconds(60),
            Duration.ofMinutes(30),
            window,
            new FaultLifecycle.Policy(window.multipliedBy(2), Duration.ofMinutes(5), 0.2),
            DegradationPolicy.DEFAULT);
    }

    public int logThreshold(FaultKind kind) {
        return singleRecordKinds.contains(kind) ? 1 : logKindMinCount;
    }

    public Severity severityOf(FaultKind kind) {
        return logKindSeverity.getOrDefault(kind, Severity.MEDIUM);
    }
}
