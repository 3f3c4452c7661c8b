package dev.faultline.topology.domain;

import static dev.faultline.topology.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.FaultEventType;
import dev.faultline.schema.FaultKind;
import dev.faultline.schema.Measurement;
import dev.faultline.schema.internal.ServiceHealthState;
import dev.faultline.schema.internal.WindowAccumulator;
import dev.faultline.topology.TestEvents;

class ServiceHealthTest {
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final HealthRules RULES = HealthRules.defaults(WINDOW, RuleSet.defaults());

    @Test
    void shouldStartAServiceWithTheSchemasDefaults() {
        assertThat(ServiceHealth.newState("checkout")).isEqualTo(ServiceHealthState.newBuilder().setService("checkout").build());
    }

    @Test
    void shouldGiveTheRuleThatFiresItsSummaryAndMeasurements() {
        ServiceHealthState state = ServiceHealth.newState("checkout");

        List<SpecificRecord> out = new ServiceHealth(state, RULES, "test").onWindow(window(T0, 0.953));

        FaultEvent opened = out.stream().filter(FaultEvent.class::isInstance).map(FaultEvent.class::cast).findFirst().orElseThrow();
        assertThat(opened.getKind()).isEqualTo(FaultKind.CPU_OVERLOAD);
        assertThat(opened.getType()).isEqualTo(FaultEventType.OPENED);
        assertThat(opened.getEvidence().getSummary()).isEqualTo("max CPU 95.3%");
        assertThat(opened.getEvidence().getMeasurements())
            .containsExactly(Measurement.newBuilder().setName("cpu_max").setValue(0.953).setThreshold(0.80).setComparison(">").build());
        assertThat(state.getFaults()).extracting(f -> f.getKind()).containsExactly(FaultKind.CPU_OVERLOAD);
    }

    @Test
    void shouldEmitNothingAndRememberNoFaultForAHealthyWindow() {
        ServiceHealthState state = ServiceHealth.newState("checkout");

        assertThat(new ServiceHealth(state, RULES, "test").onWindow(window(T0, 0.30))).isEmpty();
        assertThat(state.getFaults()).isEmpty();
        assertThat(state.getLastSignals().getRequestCount()).isEqualTo(30);
    }

    /** A window of 30 quick successful requests and one CPU sample of {@code cpu}. */
    private static ClosedWindow window(Instant start, double cpu) {
        WindowAccumulator acc = ServiceWindow.empty();
        for (int i = 0; i < 30; i++) {
            ServiceWindow.add(acc, TestEvents.request("checkout", 20, start.plusSeconds(i)));
        }
        ServiceWindow.add(acc, TestEvents.metric("checkout", "i-1", "system.cpu.utilization", cpu, "1", start));
        return ServiceWindow.close(acc, "checkout", start, start.plus(WINDOW), "test");
    }
}
