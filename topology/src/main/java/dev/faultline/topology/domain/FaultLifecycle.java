package dev.faultline.topology.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.faultline.schema.Evidence;
import dev.faultline.schema.FaultEventType;
import dev.faultline.schema.FaultKind;
import dev.faultline.schema.Measurement;
import dev.faultline.schema.Severity;
import dev.faultline.schema.internal.FaultLifecycleState;
import dev.faultline.schema.internal.LifecycleState;

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
    private final Policy policy;
    private final FaultLifecycleState s;

    public FaultLifecycle(String service, FaultKind kind, Policy policy) {
        this(service, FaultLifecycleState.newBuilder().setKind(kind).build(), policy);
    }

    /** Works on {@code state} in place, so the caller persists it as it is. */
    public FaultLifecycle(String service, FaultLifecycleState state, Policy policy) {
        this.service = service;
        this.s = state;
        this.policy = policy;
    }

    public State state() {
        return State.valueOf(s.getState().name());
    }

    public Optional<String> faultId() {
        return Optional.ofNullable(s.getFaultId());
    }

    public Optional<Transition> observe(Observation o) {
        boolean contiguous = s.getLastWindowEnd() == null || !o.windowStart().isAfter(s.getLastWindowEnd());
        s.setLastWindowEnd(o.windowEnd());
        return switch (state()) {
            case INACTIVE, PENDING -> whileNotFiring(o, contiguous);
            case FIRING -> whileFiring(o);
        };
    }

    private Optional<Transition> whileNotFiring(Observation o, boolean contiguous) {
        if (!o.holds()) {
            s.setState(LifecycleState.INACTIVE);
            s.setHoldingSince(null);
            return Optional.empty();
        }
        if (s.getHoldingSince() == null || !contiguous) {
            s.setHoldingSince(o.windowStart());
        }
        if (Duration.between(s.getHoldingSince(), o.windowEnd()).compareTo(o.forDuration()) < 0) {
            s.setState(LifecycleState.PENDING);
            return Optional.empty();
        }
        s.setState(LifecycleState.FIRING);
        s.setOpenedAt(o.windowEnd());
        s.setFaultId(service + "/" + s.getKind() + "/" + o.windowEnd().toEpochMilli());
        s.setClearSince(null);
        return Optional.of(emit(FaultEventType.OPENED, o));
    }

    private Optional<Transition> whileFiring(Observation o) {
        if (!o.holds()) {
            if (s.getClearSince() == null) {
                s.setClearSince(o.windowStart());
            }
            if (Duration.between(s.getClearSince(), o.windowEnd()).compareTo(policy.resolveDelay()) >= 0) {
                return Optional.of(resolve(o));
            }
            return Optional.empty();
        }
        s.setClearSince(null);
        boolean escalated = o.severity().compareTo(s.getEmittedSeverity()) < 0; // CRITICAL sorts first
        boolean cooledDown = Duration.between(s.getLastEmittedAt(), o.windowEnd()).compareTo(policy.cooldown()) >= 0;
        boolean changed = o.severity() != s.getEmittedSeverity() || movedMaterially(o.evidence());
        if (escalated || (cooledDown && changed)) {
            return Optional.of(emit(FaultEventType.UPDATED, o));
        }
        return Optional.empty();
    }

    /** Ends a firing fault at once, whatever the resolve delay (a service reporting again after SERVICE_DOWN). */
    public Optional<Transition> resolveNow(Observation o) {
        return state() == State.FIRING ? Optional.of(resolve(o)) : Optional.empty();
    }

    private Transition resolve(Observation o) {
        Transition resolved = emit(FaultEventType.RESOLVED, o);
        s.setState(LifecycleState.INACTIVE);
        s.setHoldingSince(null);
        s.setClearSince(null);
        s.setFaultId(null);
        s.setOpenedAt(null);
        s.setEvidence(null);
        return resolved;
    }

    private boolean movedMaterially(Evidence evidence) {
        Double now = leadingValue(evidence);
        Double before = s.getEmittedLeadingValue();
        if (now == null || before == null) {
            return false;
        }
        return Math.abs(now - before) / Math.max(Math.abs(before), 1e-9) >= policy.materialChange();
    }

    private static Double leadingValue(Evidence evidence) {
        if (evidence == null || evidence.getMeasurements().isEmpty()) {
            return null;
        }
        Measurement first = evidence.getMeasurements().get(0);
        return first.getValue();
    }

    private Transition emit(FaultEventType type, Observation o) {
        s.setEmittedSeverity(o.severity());
        s.setEmittedLeadingValue(leadingValue(o.evidence()));
        s.setLastEmittedAt(o.windowEnd());
        s.setEvidence(o.evidence());
        return new Transition(type, s.getFaultId(), o.severity(), s.getOpenedAt(), o);
    }
}
