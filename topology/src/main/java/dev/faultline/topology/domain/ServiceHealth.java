package dev.faultline.topology.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.avro.specific.SpecificRecord;

import dev.faultline.schema.DegradationChange;
import dev.faultline.schema.DegradationLevel;
import dev.faultline.schema.Evidence;
import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.FaultKind;
import dev.faultline.schema.Measurement;
import dev.faultline.schema.Severity;
import dev.faultline.schema.WindowStats;
import dev.faultline.schema.internal.FaultLifecycleState;
import dev.faultline.schema.internal.LifecycleState;
import dev.faultline.schema.internal.Liveness;
import dev.faultline.schema.internal.ServiceHealthState;
import dev.faultline.topology.domain.FaultLifecycle.Observation;
import dev.faultline.topology.domain.FaultLifecycle.Transition;

/**
 * One service's health: applies the fault rules to each closed window, tracks liveness and
 * the degradation level, and returns the fault events and level changes to emit. Works on
 * a {@link ServiceHealthState} in place, which the caller persists.
 */
public final class ServiceHealth {
    /** EWMA weight of the newest window in the throughput baseline. */
    private static final double BASELINE_WEIGHT = 0.2;

    private final ServiceHealthState state;
    private final HealthRules rules;
    private final String version;

    public ServiceHealth(ServiceHealthState state, HealthRules rules, String version) {
        this.state = state;
        this.rules = rules;
        this.version = version;
    }

    /**
     * A service's first state, the schema's defaults, built by the all-args constructor: a builder deep-copies each
     * default, and with 100,000 services every service's first window close built one ({@code ServiceHealthTest}
     * checks these are the defaults).
     */
    public static ServiceHealthState newState(String service) {
        return new ServiceHealthState(service, null, Liveness.ALIVE, DegradationLevel.NONE, 0, DegradationLevel.NONE, null, 0, null,
            new ArrayList<>());
    }

    public List<SpecificRecord> onWindow(ClosedWindow window) {
        WindowStats s = window.stats();
        state.setLastSignals(s);
        List<SpecificRecord> out = new ArrayList<>();
        double errorRate = s.getErrorRate();
        observe(out, FaultKind.HIGH_ERROR_RATE, window,
            errorRate > rules.errorRate() && s.getRequestCount() >= rules.errorRateMinRequests(), Severity.HIGH, rules.errorRateFor(),
            () -> "error rate " + pct(errorRate) + " over " + s.getRequestCount() + " requests",
            () -> List.of(m("error_rate", errorRate, rules.errorRate(), ">"),
                m("requests", s.getRequestCount(), (double) rules.errorRateMinRequests(), ">=")));
        Double p95 = s.getLatencyP95Ms();
        observe(out, FaultKind.HIGH_LATENCY, window, p95 != null && p95 > rules.latencyP95Ms(), Severity.HIGH, rules.latencyFor(),
            () -> "p95 latency " + (p95 == null ? "-" : Math.round(p95) + " ms"),
            () -> List.of(m("latency_p95_ms", p95 == null ? 0 : p95, rules.latencyP95Ms(), ">")));
        Double cpu = ServiceWindow.maxCpu(s);
        observe(out, FaultKind.CPU_OVERLOAD, window, cpu != null && cpu > rules.cpu(), Severity.HIGH, rules.cpuFor(),
            () -> "max CPU " + pct(cpu), () -> List.of(m("cpu_max", cpu == null ? 0 : cpu, rules.cpu(), ">")));
        Double memory = ServiceWindow.maxMemory(s);
        boolean memoryCritical = memory != null && memory > rules.memoryCritical();
        observe(out, FaultKind.MEMORY_PRESSURE, window, memory != null && memory > rules.memoryHigh(),
            memoryCritical ? Severity.CRITICAL : Severity.HIGH, memoryCritical ? rules.memoryCriticalFor() : rules.memoryHighFor(),
            () -> "max memory " + pct(memory),
            () -> List.of(m("memory_max", memory == null ? 0 : memory, memoryCritical ? rules.memoryCritical() : rules.memoryHigh(), ">")));
        Double disk = ServiceWindow.maxDisk(s);
        long diskLogs = s.getLogsByKind().getOrDefault(FaultKind.DISK_SPACE_FULL.name(), 0L);
        observe(out, FaultKind.DISK_SPACE_FULL, window, (disk != null && disk > rules.disk()) || diskLogs >= rules.logThreshold(FaultKind.DISK_SPACE_FULL),
            Severity.CRITICAL, Duration.ZERO, () -> "max disk " + pct(disk) + ", " + diskLogs + " disk-full logs",
            () -> List.of(m("disk_max", disk == null ? 0 : disk, rules.disk(), ">"),
                m("disk_full_logs", diskLogs, (double) rules.logThreshold(FaultKind.DISK_SPACE_FULL), ">=")));
        observeThroughput(out, window);
        observeNewPatterns(out, window);
        for (FaultKind kind : HealthRules.LOG_KINDS) {
            if (kind == FaultKind.DISK_SPACE_FULL) {
                continue;
            }
            long count = s.getLogsByKind().getOrDefault(kind.name(), 0L);
            if (count > 0 || lifecycleExists(kind)) {
                int threshold = rules.logThreshold(kind);
                observe(out, kind, window, count >= threshold, rules.severityOf(kind), Duration.ZERO,
                    () -> count + " " + kind + " logs in the window",
                    () -> List.of(m(kind.name().toLowerCase() + "_logs", count, (double) threshold, ">=")));
            }
        }
        degrade(out, s.getWindowEnd(), new Degradation.Signals(cpu, memory, errorRate, state.getLiveness() == Liveness.DOWN));
        compact();
        return out;
    }

    /**
     * Liveness at {@code now} given the latest telemetry at {@code lastSeen}: SUSPECT after half
     * the timeout (state only), SERVICE_DOWN after it, resolved as soon as telemetry is back.
     * SERVICE_DOWN carries the event time at which the silence reached the timeout
     * ({@code lastSeen + timeout}), whenever it is noticed; its resolution, the time it is noticed.
     */
    public List<SpecificRecord> onClock(Instant now, Instant lastSeen) {
        state.setLastSeen(lastSeen);
        Duration timeout = rules.serviceDownTimeout();
        Instant downAt = lastSeen.plus(timeout);
        List<SpecificRecord> out = new ArrayList<>();
        FaultLifecycle down = lifecycle(FaultKind.SERVICE_DOWN);
        Liveness liveness = livenessAt(now, lastSeen, timeout);
        if (liveness == Liveness.DOWN) {
            if (state.getLiveness() != Liveness.DOWN) {
                state.setLiveness(Liveness.DOWN);
                Evidence evidence = evidence("no telemetry since " + lastSeen + " for at least " + timeout.toSeconds() + " s",
                    List.of(m("silence_ms", timeout.toMillis(), (double) timeout.toMillis(), ">=")), List.of(), List.of());
                down.observe(new Observation(lastSeen, downAt, true, Severity.CRITICAL, Duration.ZERO, evidence))
                    .ifPresent(t -> out.add(faultEvent(t, FaultKind.SERVICE_DOWN, null)));
                degrade(out, downAt, signals(true));
            }
        } else {
            Evidence evidence = evidence("telemetry again, latest at " + lastSeen,
                List.of(m("silence_ms", Math.max(0, Duration.between(lastSeen, now).toMillis()), (double) timeout.toMillis(), ">=")),
                List.of(), List.of());
            down.resolveNow(new Observation(lastSeen, now, false, Severity.CRITICAL, Duration.ZERO, evidence))
                .ifPresent(t -> out.add(faultEvent(t, FaultKind.SERVICE_DOWN, null)));
            state.setLiveness(liveness);
        }
        compact();
        return out;
    }

    /** What liveness {@code onClock} would settle on, without changing anything. */
    public static Liveness livenessAt(Instant now, Instant lastSeen, Duration timeout) {
        Duration silence = Duration.between(lastSeen, now);
        if (silence.compareTo(timeout) >= 0) {
            return Liveness.DOWN;
        }
        return silence.compareTo(timeout.dividedBy(2)) >= 0 ? Liveness.SUSPECT : Liveness.ALIVE;
    }

    private Degradation.Signals signals(boolean down) {
        WindowStats last = state.getLastSignals();
        return last == null
            ? new Degradation.Signals(null, null, 0, down)
            : new Degradation.Signals(ServiceWindow.maxCpu(last), ServiceWindow.maxMemory(last), last.getErrorRate(), down);
    }

    /** New error templates of a window open one LOW fault; a burst of them is one fault, updated at most per cooldown. */
    private void observeNewPatterns(List<SpecificRecord> out, ClosedWindow window) {
        Map<String, String> fresh = window.newTemplates();
        if (fresh.isEmpty() && !lifecycleExists(FaultKind.NEW_ERROR_PATTERN)) {
            return;
        }
        WindowStats s = window.stats();
        Evidence evidence = evidence(fresh.size() + " new error log template(s)" + (fresh.isEmpty() ? "" : ", e.g. " + fresh.values().iterator().next()),
            List.of(m("new_templates", fresh.size(), 1.0, ">=")), List.copyOf(fresh.values()), window.errorTraceIds());
        evidence.setTemplateIds(List.copyOf(fresh.keySet()));
        lifecycle(FaultKind.NEW_ERROR_PATTERN).observe(
            new Observation(s.getWindowStart(), s.getWindowEnd(), !fresh.isEmpty(), Severity.LOW, Duration.ZERO, evidence))
            .ifPresent(t -> out.add(faultEvent(t, FaultKind.NEW_ERROR_PATTERN, s)));
    }

    private void observeThroughput(List<SpecificRecord> out, ClosedWindow window) {
        WindowStats s = window.stats();
        Double baseline = state.getThroughputBaseline();
        boolean warm = baseline != null && state.getBaselineWindows() >= rules.baselineWarmupWindows();
        boolean low = warm && baseline >= rules.lowThroughputFloor() && s.getThroughput() < rules.lowThroughputRatio() * baseline;
        observe(out, FaultKind.LOW_THROUGHPUT, window, low, Severity.MEDIUM, rules.windowSize().multipliedBy(rules.lowThroughputWindows()),
            () -> "throughput " + String.format("%.2f", s.getThroughput()) + " req/s against a baseline of "
                + (baseline == null ? "-" : String.format("%.2f", baseline)),
            () -> List.of(m("throughput", s.getThroughput(), baseline == null ? 0 : rules.lowThroughputRatio() * baseline, "<")));
        if (!low) {
            // A drop does not drag the baseline down with it.
            state.setThroughputBaseline(baseline == null ? s.getThroughput() : baseline + BASELINE_WEIGHT * (s.getThroughput() - baseline));
            state.setBaselineWindows(state.getBaselineWindows() + 1);
        }
    }

    /**
     * Applies one rule's verdict to its lifecycle. The evidence is built only when there is a lifecycle to give it to:
     * with many services nearly every window of nearly every service fires nothing, and formatting every rule's summary
     * for every window close was a third of the rules' time.
     */
    private void observe(List<SpecificRecord> out, FaultKind kind, ClosedWindow window, boolean holds, Severity severity,
                         Duration forDuration, Supplier<String> summary, Supplier<List<Measurement>> measurements) {
        if (!holds && !lifecycleExists(kind)) {
            return;
        }
        WindowStats s = window.stats();
        Evidence evidence = evidence(summary.get(), measurements.get(), window.sampleLogs().getOrDefault(kind.name(), List.of()),
            window.errorTraceIds());
        Optional<Transition> transition = lifecycle(kind).observe(
            new Observation(s.getWindowStart(), s.getWindowEnd(), holds, severity, forDuration, evidence));
        transition.ifPresent(t -> out.add(faultEvent(t, kind, s)));
    }

    private static Evidence evidence(String summary, List<Measurement> measurements, List<String> sampleLogs, List<String> traceIds) {
        return Evidence.newBuilder().setSummary(summary).setMeasurements(measurements)
            .setSampleLogs(sampleLogs).setTraceIds(traceIds).build();
    }

    private FaultEvent faultEvent(Transition t, FaultKind kind, WindowStats window) {
        return FaultEvent.newBuilder()
            .setAnalyzerVersion(version)
            .setEventTime(t.observation().windowEnd())
            .setFaultId(t.faultId())
            .setType(t.type())
            .setService(state.getService())
            .setCategory(FaultTaxonomy.categoryOf(kind))
            .setKind(kind)
            .setSeverity(t.severity())
            .setOpenedAt(t.openedAt())
            .setWindowStart(window == null ? null : window.getWindowStart())
            .setWindowEnd(window == null ? null : window.getWindowEnd())
            .setEvidence(t.observation().evidence())
            .build();
    }

    private void degrade(List<SpecificRecord> out, Instant at, Degradation.Signals signals) {
        Degradation degradation = new Degradation(rules.degradation(), state.getLevel(), state.getWindowsBelow(), state.getHighestWhileBelow());
        degradation.observe(signals).ifPresent(change -> out.add(DegradationChange.newBuilder()
            .setAnalyzerVersion(version)
            .setEventTime(at)
            .setService(state.getService())
            .setFromLevel(change.from())
            .setToLevel(change.to())
            .setDeciding(change.deciding())
            .setFeatures(new ArrayList<>(change.features()))
            .setReason(change.reason())
            .build()));
        state.setLevel(degradation.level());
        state.setWindowsBelow(degradation.windowsBelow());
        state.setHighestWhileBelow(degradation.highestWhileBelow());
    }

    /** Active (firing) faults, for queries. */
    public List<FaultLifecycleState> activeFaults() {
        return state.getFaults().stream().filter(f -> f.getFaultId() != null).toList();
    }

    private boolean lifecycleExists(FaultKind kind) {
        return stateOf(kind) != null;
    }

    /** The stored lifecycle of a kind, or null: a loop, as every rule asks this at every window close. */
    private FaultLifecycleState stateOf(FaultKind kind) {
        for (FaultLifecycleState fault : state.getFaults()) {
            if (fault.getKind() == kind) {
                return fault;
            }
        }
        return null;
    }

    /** The lifecycle of a kind; created on first use and dropped again once it is back to INACTIVE. */
    private FaultLifecycle lifecycle(FaultKind kind) {
        FaultLifecycleState s = stateOf(kind);
        if (s == null) {
            s = FaultLifecycleState.newBuilder().setKind(kind).build();
            state.getFaults().add(s);
        }
        // A new pattern resolves on its own once the service has been quiet of new ones for a while.
        FaultLifecycle.Policy policy = kind == FaultKind.NEW_ERROR_PATTERN
            ? new FaultLifecycle.Policy(rules.newPatternQuiet(), rules.lifecycle().cooldown(), rules.lifecycle().materialChange())
            : rules.lifecycle();
        return new FaultLifecycle(state.getService(), s, policy);
    }

    /** Drops lifecycles with nothing to remember, so state stays small for healthy services. */
    private void compact() {
        if (state.getFaults().isEmpty()) {
            return;
        }
        state.setFaults(new ArrayList<>(state.getFaults().stream().filter(f -> f.getState() != LifecycleState.INACTIVE).toList()));
    }

    private static Measurement m(String name, double value, Double threshold, String comparison) {
        return Measurement.newBuilder().setName(name).setValue(value).setThreshold(threshold).setComparison(comparison).build();
    }

    private static String pct(Double ratio) {
        return ratio == null ? "-" : String.format("%.1f%%", ratio * 100);
    }
}
