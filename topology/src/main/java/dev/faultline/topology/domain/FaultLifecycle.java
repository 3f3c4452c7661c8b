package dev.faultline.topology.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.faultline.schema.Evidence;
import dev.faultline.schema.FaultEventType;
import dev.faultline.schema.FaultKind;
import dev.faultline.schema.Measurement;
import dev.faultline.schema.Severity;

/**
 * The lifecycle of one fault kind in one service, as Prometheus alerting runs it:
 * INACTIVE -> PENDING (condition true, {@code for} not yet elapsed) -> FIRING (OPENED) ->
 * RESOLVED (condition false for the resolve delay; back to INACTIVE). Fed one observation per
 * closed window, in window order. While firing it emits UPDATED when severity rises (at
 * once: an escalation is what on-call pages on) or, at most once per cooldown, when severity
 * falls or the leading measurement moved by {@link Policy#materialChange()} or more.
 * Fault ids are {@code service/kind/openedAtMillis}: stable across restarts and replays.
 */
public final class FaultLifecycle {

    public enum State { INACTIVE, PENDING, FIRING }

    /** Resolve delay, update cooldown, and how much the leading measurement must move to count. */
    public record Policy(Duration resolveDelay, Duration cooldown, double materialChange) {
        public static final Policy DEFAULT = new Policy(Duration.ofMinutes(2), Duration.ofMinutes(5), 0.2);
    }

    /**
     * What one closed window showed. {@code forDuration} is how long the condition must hold
     * before the fault fires at this severity (zero: at once).
     */
    public record Observation(Instant windowStart, Instant windowEnd, boolean holds, Severity severity,
                              Duration forDuration, Evidence evidence) {
    }

    /** An event to emit. */
    public record Transition(FaultEventType type, String faultId, Severity severity, Instant openedAt,
                             Observation observation) {
    }

    private final String service;
    private final FaultKind kind;
    private final Policy policy;

    private State state = State.INACTIVE;
    private Instant holdingSince;
    private Instant clearSince;
    private Instant lastWindowEnd;
    private String faultId;
    private Instant openedAt;
    private Severity emittedSeverity;
    private Double emittedLeadingValue;
    private Instant lastEmittedAt;

    public FaultLifecycle(String service, FaultKind kind, Policy policy) {
        this.service = service;
        this.kind = kind;
        this.policy = policy;
    }

    public State state() {
        return state;
    }

    public Optional<String> faultId() {
        return Optional.ofNullable(faultId);
    }

    public Optional<Transition> observe(Observation o) {
        boolean contiguous = lastWindowEnd == null || !o.windowStart().isAfter(lastWindowEnd);
        lastWindowEnd = o.windowEnd();
        return switch (state) {
            case INACTIVE, PENDING -> whileNotFiring(o, contiguous);
            case FIRING -> whileFiring(o);
        };
    }

    private Optional<Transition> whileNotFiring(Observation o, boolean contiguous) {
        if (!o.holds()) {
            state = State.INACTIVE;
            holdingSince = null;
            return Optional.empty();
        }
        if (holdingSince == null || !contiguous) {
            holdingSince = o.windowStart();
        }
        if (Duration.between(holdingSince, o.windowEnd()).compareTo(o.forDuration()) < 0) {
            state = State.PENDING;
            return Optional.empty();
        }
        state = State.FIRING;
        openedAt = o.windowEnd();
        faultId = service + "/" + kind + "/" + openedAt.toEpochMilli();
        clearSince = null;
        return Optional.of(emit(FaultEventType.OPENED, o));
    }

    private Optional<Transition> whileFiring(Observation o) {
        if (!o.holds()) {
            if (clearSince == null) {
                clearSince = o.windowStart();
            }
            if (Duration.between(clearSince, o.windowEnd()).compareTo(policy.resolveDelay()) >= 0) {
                Transition resolved = emit(FaultEventType.RESOLVED, o);
                state = State.INACTIVE;
                holdingSince = null;
                clearSince = null;
                faultId = null;
                openedAt = null;
                return Optional.of(resolved);
            }
            return Optional.empty();
        }
        clearSince = null;
        boolean escalated = o.severity().compareTo(emittedSeverity) < 0; // CRITICAL sorts first
        boolean cooledDown = Duration.between(lastEmittedAt, o.windowEnd()).compareTo(policy.cooldown()) >= 0;
        boolean changed = o.severity() != emittedSeverity || movedMaterially(o.evidence());
        if (escalated || (cooledDown && changed)) {
            return Optional.of(emit(FaultEventType.UPDATED, o));
        }
        return Optional.empty();
    }

    private boolean movedMaterially(Evidence evidence) {
        Double now = leadingValue(evidence);
        if (now == null || emittedLeadingValue == null) {
            return false;
        }
        double base = Math.max(Math.abs(emittedLeadingValue), 1e-9);
        return Math.abs(now - emittedLeadingValue) / base >= policy.materialChange();
    }

    private static Double leadingValue(Evidence evidence) {
        if (evidence == null || evidence.getMeasurements().isEmpty()) {
            return null;
        }
        Measurement first = evidence.getMeasurements().get(0);
        return first.getValue();
    }

    private Transition emit(FaultEventType type, Observation o) {
        emittedSeverity = o.severity();
        emittedLeadingValue = leadingValue(o.evidence());
        lastEmittedAt = o.windowEnd();
        return new Transition(type, faultId, o.severity(), openedAt, o);
    }
}
