package dev.faultline.topology.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.faultline.schema.DegradationLevel;
import dev.faultline.schema.Feature;
import dev.faultline.topology.domain.Degradation.Signals;

class DegradationTest {
    private final Degradation degradation = new Degradation(DegradationPolicy.DEFAULT);
    private final List<String> changes = new ArrayList<>();
    private int window;

    private void observe(Double cpu, Double memory, double errorRate, boolean down) {
        window++;
        degradation.observe(new Signals(cpu, memory, errorRate, down))
            .ifPresent(c -> changes.add("w" + window + " " + c.from() + "->" + c.to()));
    }

    private void errorRate(double rate) {
        observe(null, null, rate, false);
    }

    @Test
    void shouldStepUpAtOnceAndDownOnlyAfterTheDwell() {
        errorRate(0.01);
        errorRate(0.12);
        errorRate(0.22);
        errorRate(0.05);
        errorRate(0.05);
        errorRate(0.05);
        assertThat(changes).containsExactly("w2 NONE->LEVEL_1", "w3 LEVEL_1->LEVEL_3", "w5 LEVEL_3->NONE");
    }

    @Test
    void shouldNotFlapWhenASignalOscillatesAroundAThreshold() {
        for (int i = 0; i < 20; i++) {
            errorRate(i % 2 == 0 ? 0.105 : 0.095);
        }
        assertThat(changes).containsExactly("w1 NONE->LEVEL_1");
        assertThat(degradation.level()).isEqualTo(DegradationLevel.LEVEL_1);
    }

    @Test
    void shouldHoldTheLevelWhileWithinTheMarginBelowTheThreshold() {
        observe(0.90, null, 0, false);     // LEVEL_2 by CPU
        for (int i = 0; i < 5; i++) {
            observe(0.81, null, 0, false); // below 0.85 but within the 5-point margin
        }
        assertThat(degradation.level()).isEqualTo(DegradationLevel.LEVEL_2);
        observe(0.79, null, 0, false);
        observe(0.72, null, 0, false);
        assertThat(changes).containsExactly("w1 NONE->LEVEL_2", "w8 LEVEL_2->LEVEL_1");
    }

    @Test
    void shouldStepDownToTheHighestLevelSeenDuringTheDwell() {
        errorRate(0.30);
        errorRate(0.16); // LEVEL_2 territory
        errorRate(0.01);
        assertThat(changes).containsExactly("w1 NONE->LEVEL_3", "w3 LEVEL_3->LEVEL_2");
    }

    @Test
    void shouldEnterEmergencyWhenTheServiceIsDownOrErrorsExplode() {
        observe(null, null, 0, true);
        assertThat(degradation.level()).isEqualTo(DegradationLevel.EMERGENCY);
        observe(null, null, 0, false);
        observe(null, null, 0, false);
        errorRate(0.55);
        assertThat(changes).containsExactly("w1 NONE->EMERGENCY", "w3 EMERGENCY->NONE", "w4 NONE->EMERGENCY");
    }

    @Test
    void shouldNameTheDecidingSignals() {
        Degradation.Change change = degradation.observe(new Signals(0.96, 0.50, 0.16, false)).orElseThrow();
        assertThat(change.to()).isEqualTo(DegradationLevel.LEVEL_3);
        assertThat(change.deciding()).extracting(m -> m.getName() + " " + m.getValue() + " " + m.getComparison() + " " + m.getThreshold())
            .containsExactly("cpu_max 0.96 >= 0.95");
        assertThat(change.features()).containsExactly(Feature.CORE);
    }

    @Test
    void shouldMapLevelsToFeatures() {
        assertThat(Degradation.features(DegradationLevel.NONE)).containsExactlyInAnyOrder(Feature.values());
        assertThat(Degradation.features(DegradationLevel.LEVEL_1)).containsExactlyInAnyOrder(Feature.CORE, Feature.DETAILED_LOGS, Feature.CACHING);
        assertThat(Degradation.features(DegradationLevel.LEVEL_2)).containsExactlyInAnyOrder(Feature.CORE, Feature.CACHING);
        assertThat(Degradation.features(DegradationLevel.LEVEL_3)).containsExactly(Feature.CORE);
        assertThat(Degradation.features(DegradationLevel.EMERGENCY)).containsExactly(Feature.CORE);
    }
}
