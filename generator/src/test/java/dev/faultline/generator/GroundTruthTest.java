package dev.faultline.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.FaultEventType;
import dev.faultline.schema.FaultKind;

class GroundTruthTest {
    private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");
    private final GroundTruth truth = GroundTruth.of(new TelemetryGenerator(ScenarioReader.load("checkout-payments-postgres"), START));

    @Test
    void recordsEachFaultWithWallClockBoundsExpectedKindsAndWhoCallsIt() {
        assertThat(truth.faults()).hasSize(2);
        GroundTruth.Injected outage = truth.faults().get(0);
        assertThat(outage.start()).isEqualTo(START.plusSeconds(20));
        assertThat(outage.end()).isEqualTo(START.plusSeconds(80));
        assertThat(outage.expected()).containsExactly(FaultKind.CONNECTION_TIMEOUT, FaultKind.HIGH_ERROR_RATE);
        assertThat(outage.upstream()).containsExactly("checkout");
    }

    @Test
    void survivesAJsonLinesRoundTrip(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("truth.jsonl");
        truth.write(file);
        assertThat(Files.readAllLines(file)).hasSize(2).first().asString()
            .contains("\"type\":\"dependency-outage\"", "\"target\":\"postgres\"", "\"expect\":[\"CONNECTION_TIMEOUT\",\"HIGH_ERROR_RATE\"]");
        assertThat(GroundTruth.read(file)).isEqualTo(truth);
    }

    @Test
    void scoresDetectionsWithTheirDelayMissesAndFalseAlarms() {
        List<FaultEvent> events = List.of(
            opened("payments", FaultKind.CONNECTION_TIMEOUT, 30),
            opened("payments", FaultKind.CONNECTION_TIMEOUT, 40),
            opened("payments", FaultKind.HIGH_ERROR_RATE, 200),      // long after the fault: not this one
            opened("checkout", FaultKind.HIGH_ERROR_RATE, 60),       // upstream: felt it, not a false alarm
            opened("postgres", FaultKind.CPU_OVERLOAD, 60));         // nothing injected can explain it
        GroundTruth.Score score = truth.score(events, Duration.ofSeconds(30));
        assertThat(score.detections()).hasSize(3);
        assertThat(score.detected()).isEqualTo(1);
        assertThat(score.detections().get(0).delay()).contains(Duration.ofSeconds(10));
        assertThat(score.missed()).extracting(GroundTruth.Detection::kind)
            .containsExactly(FaultKind.HIGH_ERROR_RATE, FaultKind.DISK_SPACE_FULL);
        assertThat(score.unexpected()).extracting(FaultEvent::getService).containsExactly("postgres");
    }

    private static FaultEvent opened(String service, FaultKind kind, int second) {
        return FaultEvent.newBuilder().setFaultId(service + "/" + kind + "/" + second).setType(FaultEventType.OPENED)
            .setService(service).setKind(kind).setCategory(dev.faultline.schema.FaultCategory.NETWORK)
            .setSeverity(dev.faultline.schema.Severity.HIGH).setEventTime(START.plusSeconds(second))
            .setOpenedAt(START.plusSeconds(second)).setAnalyzerVersion("test")
            .setEvidence(dev.faultline.schema.Evidence.newBuilder().setSummary("s").build()).build();
    }
}
