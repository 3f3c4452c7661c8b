package dev.faultline.topology.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.faultline.schema.Evidence;
import dev.faultline.schema.FaultEventType;
import dev.faultline.schema.FaultKind;
import dev.faultline.schema.Measurement;
import dev.faultline.schema.Severity;
import dev.faultline.topology.domain.FaultLifecycle.Observation;
import dev.faultline.topology.domain.FaultLifecycle.State;
import dev.faultline.topology.domain.FaultLifecycle.Transition;

class FaultLifecycleTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final FaultLifecycle errors = new FaultLifecycle("payments", FaultKind.HIGH_ERROR_RATE, FaultLifecycle.Policy.DEFAULT);
    private final List<String> events = new ArrayList<>();
    private int minute;

    private Optional<Transition> window(boolean holds, Severity severity, Duration forDuration, double value) {
        Instant start = T0.plus(WINDOW.multipliedBy(minute++));
        Evidence evidence = Evidence.newBuilder().setSummary("error rate " + value)
            .setMeasurements(List.of(Measurement.newBuilder().setName("error_rate").setValue(value).setThreshold(0.1).setComparison(">").build()))
            .build();
        Optional<Transition> t = errors.observe(new Observation(start, start.plus(WINDOW), holds, severity, forDuration, evidence));
        t.ifPresent(e -> events.add("m" + minute + " " + e.type() + " " + e.severity()));
        return t;
    }

    private Optional<Transition> errorRate(double value) {
        return window(value > 0.10, Severity.HIGH, Duration.ofMinutes(2), value);
    }

    @Test
    void shouldOpenFaultWhenErrorRateStaysHighForTwoMinutesAndResolveAfterTheDelay() {
        errorRate(0.02);
        assertThat(errorRate(0.30)).isEmpty();
        assertThat(errors.state()).isEqualTo(State.PENDING);
        Transition opened = errorRate(0.31).orElseThrow();
        errorRate(0.33);
        errorRate(0.01);
        assertThat(errors.state()).as("one clear window is not enough").isEqualTo(State.FIRING);
        Transition resolved = errorRate(0.01).orElseThrow();

        assertThat(events).containsExactly("m3 OPENED HIGH", "m6 RESOLVED HIGH");
        assertThat(opened.faultId()).isEqualTo("payments/HIGH_ERROR_RATE/" + T0.plus(Duration.ofMinutes(3)).toEpochMilli());
        assertThat(resolved.faultId()).isEqualTo(opened.faultId());
        assertThat(resolved.openedAt()).isEqualTo(opened.openedAt());
        assertThat(errors.state()).isEqualTo(State.INACTIVE);
        assertThat(errors.faultId()).isEmpty();
    }

    @Test
    void shouldNotFireWhenTheConditionBreaksBeforeForElapses() {
        errorRate(0.30);
        errorRate(0.05);
        errorRate(0.30);
        errorRate(0.05);
        assertThat(events).isEmpty();
        assertThat(errors.state()).isEqualTo(State.INACTIVE);
    }

    @Test
    void shouldRestartTheStreakAfterAGapInWindows() {
        errorRate(0.30);
        minute++; // no window closed for this service in minute 2
        assertThat(errorRate(0.30)).isEmpty();
        assertThat(errorRate(0.30)).isPresent();
    }

    @Test
    void shouldStayFiringThroughAShortDipAndKeepItsId() {
        errorRate(0.30);
        String id = errorRate(0.30).orElseThrow().faultId();
        errorRate(0.05);
        errorRate(0.30);
        errorRate(0.05);
        Transition resolved = errorRate(0.05).orElseThrow();
        assertThat(resolved.faultId()).isEqualTo(id);
        assertThat(events).containsExactly("m2 OPENED HIGH", "m6 RESOLVED HIGH");
    }

    @Test
    void shouldUpdateAtMostOncePerCooldownOnMaterialChange() {
        errorRate(0.20);
        errorRate(0.20); // m2 OPENED
        errorRate(0.40); // moved 100 %, but cooldown (5 min) not over
        errorRate(0.41);
        errorRate(0.42);
        errorRate(0.43);
        errorRate(0.44); // m7: 5 min since m2, leading value moved from 0.20 -> UPDATED
        errorRate(0.45); // small move, within cooldown
        assertThat(events).containsExactly("m2 OPENED HIGH", "m7 UPDATED HIGH");
    }

    @Test
    void shouldNotUpdateWithoutAMaterialChange() {
        for (int i = 0; i < 12; i++) {
            errorRate(0.30 + i * 0.001);
        }
        assertThat(events).containsExactly("m2 OPENED HIGH");
    }

    @Test
    void shouldEscalateSeverityAtOnce() {
        FaultLifecycle memory = new FaultLifecycle("payments", FaultKind.MEMORY_PRESSURE, FaultLifecycle.Policy.DEFAULT);
        List<String> memoryEvents = new ArrayList<>();
        for (int m = 0; m < 8; m++) {
            double used = m < 6 ? 0.82 : 0.91;
            Severity severity = used > 0.90 ? Severity.CRITICAL : Severity.HIGH;
            Duration forDuration = used > 0.90 ? WINDOW : Duration.ofMinutes(5);
            Instant start = T0.plus(WINDOW.multipliedBy(m));
            Evidence evidence = Evidence.newBuilder().setSummary("memory " + used)
                .setMeasurements(List.of(Measurement.newBuilder().setName("memory_max").setValue(used).build())).build();
            final int minuteEnd = m + 1;
            memory.observe(new Observation(start, start.plus(WINDOW), true, severity, forDuration, evidence))
                .ifPresent(t -> memoryEvents.add("m" + minuteEnd + " " + t.type() + " " + t.severity()));
        }
        assertThat(memoryEvents).containsExactly("m5 OPENED HIGH", "m7 UPDATED CRITICAL");
    }

    @Test
    void shouldFireAtOnceWhenForIsZero() {
        Optional<Transition> t = window(true, Severity.CRITICAL, Duration.ZERO, 1.0);
        assertThat(t).map(Transition::type).contains(FaultEventType.OPENED);
    }
}
