package dev.faultline.topology.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.faultline.schema.ClassifiedLog;
import dev.faultline.schema.FaultCategory;
import dev.faultline.schema.FaultKind;
import dev.faultline.schema.InstanceResources;
import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.Severity;
import dev.faultline.schema.SpanStatus;
import dev.faultline.schema.internal.OperationAccumulator;
import dev.faultline.schema.internal.WindowAccumulator;
import dev.faultline.topology.TestEvents;

class ServiceWindowTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(nullValues = "-", value = {
        "0.93, 1, 0.93",
        "93,   %, 0.93",
        "93,   -, 0.93",
        "0.93, -, 0.93",
        "1,    -, 1.0",
    })
    void shouldNormaliseUtilizationToRatios(double value, String unit, double ratio) {
        assertThat(ResourceMetric.ratio(value, unit)).isEqualTo(ratio);
        assertThat(ResourceMetric.plausible(value, unit)).isTrue();
    }

    @Test
    void shouldStartEmptyWithTheSchemasDefaults() {
        assertThat(ServiceWindow.empty()).isEqualTo(WindowAccumulator.newBuilder().build());
        assertThat(ServiceWindow.emptyOperation()).isEqualTo(OperationAccumulator.newBuilder().build());
        assertThat(ServiceWindow.emptyResources("i-1")).isEqualTo(InstanceResources.newBuilder().setInstance("i-1").build());
    }

    @Test
    void shouldRefuseImpossibleUtilizations() {
        assertThat(ResourceMetric.plausible(120, "%")).isFalse();
        assertThat(ResourceMetric.plausible(-0.1, "1")).isFalse();
        assertThat(ResourceMetric.plausible(Double.NaN, null)).isFalse();
    }

    @Test
    void shouldCapOperationsAndInstancesWithAnOtherBucket() {
        WindowAccumulator acc = ServiceWindow.empty();
        for (int i = 0; i < ServiceWindow.MAX_OPERATIONS + 50; i++) {
            ServiceWindow.add(acc, RequestEvent.newBuilder().setService("api").setOperation("GET /item/" + i).setStartTime(T0)
                .setDurationMs(1).setStatus(SpanStatus.OK).build());
        }
        for (int i = 0; i < ServiceWindow.MAX_INSTANCES + 10; i++) {
            ServiceWindow.add(acc, MetricSample.newBuilder().setService("api").setInstance("pod-" + i)
                .setName("system.cpu.utilization").setValue(0.5).setTime(T0).build());
        }
        assertThat(acc.getOperations()).hasSize(ServiceWindow.MAX_OPERATIONS).containsKey(ServiceWindow.OTHER);
        assertThat(acc.getOperations().get(ServiceWindow.OTHER).getRequestCount()).isEqualTo(51);
        assertThat(acc.getResources()).hasSize(ServiceWindow.MAX_INSTANCES).containsKey(ServiceWindow.OTHER);
        assertThat(acc.getRequestCount()).isEqualTo(ServiceWindow.MAX_OPERATIONS + 50);
    }

    /** An open window finds an operation it has seen by the request's name; one past the cap is counted in "(other)" each time. */
    @Test
    void shouldCountAnOpenWindowsRepeatedRequestsInTheOperationTheirFirstWentTo() {
        OpenWindow open = OpenWindow.empty();
        for (int round = 1; round <= 2; round++) {
            for (int i = 0; i < ServiceWindow.MAX_OPERATIONS + 50; i++) {
                open.add(request("GET /item/" + i, 100 * round + i), T0.toEpochMilli());
            }
        }
        open.add(RequestEvent.newBuilder(request("GET /item/0", 1)).setStatus(SpanStatus.ERROR).build(), T0.toEpochMilli());

        ClosedWindow closed = new OpenWindow(open.encoded()).close("api", T0, T0.plusSeconds(60), "v");

        assertThat(closed.operations()).hasSize(ServiceWindow.MAX_OPERATIONS);
        assertThat(closed.operations()).filteredOn(s -> s.getOperation().equals("GET /item/0")).singleElement()
            .extracting(s -> s.getRequestCount(), s -> s.getErrorCount(), s -> s.getLatencyMaxMs())
            .containsExactly(3L, 1L, 200.0);
        assertThat(closed.operations()).filteredOn(s -> s.getOperation().equals(ServiceWindow.OTHER)).singleElement()
            .extracting(s -> s.getRequestCount(), s -> s.getLatencyMaxMs())
            .containsExactly(102L, 200.0 + ServiceWindow.MAX_OPERATIONS + 49);
        assertThat(closed.stats().getRequestCount()).isEqualTo(2L * (ServiceWindow.MAX_OPERATIONS + 50) + 1);
    }

    @Test
    void shouldKeepEachInstancesLargestUtilizationWhateverTheOrder() {
        WindowAccumulator acc = ServiceWindow.empty();
        for (double value : new double[] {0.4, 0.9, 0.2, 0.9, 0.7}) {
            ServiceWindow.add(acc, utilization("a", "system.cpu.utilization", value));
        }
        ServiceWindow.add(acc, utilization("a", "system.filesystem.utilization", 0.0));
        ServiceWindow.add(acc, utilization("b", "system.memory.utilization", 0.3));
        ServiceWindow.add(acc, utilization("b", "system.memory.utilization", 0.6));

        assertThat(acc.getResources().get("a")).isEqualTo(new InstanceResources("a", 0.9, null, 0.0));
        assertThat(acc.getResources().get("b")).isEqualTo(new InstanceResources("b", null, 0.6, null));
    }

    private static MetricSample utilization(String instance, String name, double ratio) {
        return TestEvents.metric("api", instance, name, ratio, "1", T0);
    }

    /** What the store keeps of an open window (encoded) closes as the live copy does, its sketches encoded only when changed. */
    @Test
    void shouldStoreAnOpenWindowsSketchesAsTheyAreWhenEncodedAgainAfterSomeChanged() {
        OpenWindow open = OpenWindow.empty();
        for (int i = 1; i <= 50; i++) {
            open.add(request(i % 2 == 0 ? "GET /fast" : "GET /slow", i), T0.toEpochMilli() + i);
        }
        open.encoded();
        for (int i = 51; i <= 80; i++) {
            open.add(request("GET /fast", i), T0.toEpochMilli() + i);
        }

        ClosedWindow stored = new OpenWindow(open.encoded()).close("api", T0, T0.plusSeconds(60), "v");
        ClosedWindow live = open.close("api", T0, T0.plusSeconds(60), "v");

        assertThat(stored.operations()).extracting(s -> s.getOperation(), s -> s.getRequestCount(), s -> s.getLatencyMaxMs())
            .containsExactly(org.assertj.core.groups.Tuple.tuple("GET /fast", 55L, 80.0), org.assertj.core.groups.Tuple.tuple("GET /slow", 25L, 49.0));
        assertThat(stored.stats().getLatencyP99Ms()).isEqualTo(live.stats().getLatencyP99Ms());
    }

    /** Log counts too: counted apart from the accumulator, in it when stored and when closed, and counted on after a restore. */
    @Test
    void shouldStoreAnOpenWindowsLogCountsAndCountOnFromWhatWasStored() {
        OpenWindow open = OpenWindow.empty();
        for (int i = 0; i < 4; i++) {
            open.add(log(FaultKind.CONNECTION_REFUSED, "t-refused"), T0.toEpochMilli() + i);
        }
        open.add(LogSeverity.INFO, T0.toEpochMilli());
        WindowAccumulator first = WindowAccumulator.newBuilder(open.encoded()).build();
        open.add(log(FaultKind.DNS_RESOLUTION_FAILED, "t-dns"), T0.toEpochMilli() + 10);

        assertThat(first.getLogsByKind()).containsExactly(Map.entry("CONNECTION_REFUSED", 4L));
        assertThat(first.getLogsBySeverity()).containsOnly(Map.entry("ERROR", 4L), Map.entry("INFO", 1L));
        assertThat(open.encoded().getLogsByKind()).containsOnly(Map.entry("CONNECTION_REFUSED", 4L), Map.entry("DNS_RESOLUTION_FAILED", 1L));
        OpenWindow restored = new OpenWindow(WindowAccumulator.newBuilder(open.encoded()).build());
        restored.add(log(FaultKind.CONNECTION_REFUSED, "t-refused"), T0.toEpochMilli() + 20);
        ClosedWindow closed = restored.close("api", T0, T0.plusSeconds(60), "v");
        assertThat(closed.stats().getLogsByKind()).containsOnly(Map.entry("CONNECTION_REFUSED", 5L), Map.entry("DNS_RESOLUTION_FAILED", 1L));
        assertThat(closed.stats().getLogsBySeverity()).containsOnly(Map.entry("ERROR", 6L), Map.entry("INFO", 1L));
        assertThat(closed.stats().getLogsByTemplate()).containsOnly(Map.entry("t-refused", 5L), Map.entry("t-dns", 1L));
    }

    @Test
    void shouldCountTemplatesPastTheCapUnderOther() {
        OpenWindow open = OpenWindow.empty();
        for (int i = 0; i < ServiceWindow.MAX_TEMPLATES + 10; i++) {
            open.add(log(FaultKind.CONNECTION_REFUSED, "t" + i), T0.toEpochMilli());
        }
        open.add(log(FaultKind.CONNECTION_REFUSED, "t0"), T0.toEpochMilli());

        Map<String, Long> byTemplate = open.close("api", T0, T0.plusSeconds(60), "v").stats().getLogsByTemplate();

        assertThat(byTemplate).hasSize(ServiceWindow.MAX_TEMPLATES).containsEntry("t0", 2L).containsEntry(ServiceWindow.OTHER, 11L);
    }

    private static ClassifiedLog log(FaultKind kind, String templateId) {
        return ClassifiedLog.newBuilder().setAnalyzerVersion("v").setEventTime(T0).setService("api").setLogSeverity(LogSeverity.ERROR)
            .setCategory(FaultCategory.NETWORK).setKind(kind).setSeverity(Severity.HIGH).setBody(kind + " happened")
            .setTemplateId(templateId).build();
    }

    private static RequestEvent request(String operation, double latencyMs) {
        return RequestEvent.newBuilder().setService("api").setOperation(operation).setStartTime(T0).setDurationMs(latencyMs)
            .setStatus(SpanStatus.OK).build();
    }

    @Test
    void shouldGiveTheServiceTheLatencyOfAllItsOperationsTogether() {
        WindowAccumulator acc = ServiceWindow.empty();
        for (int i = 1; i <= 100; i++) {
            ServiceWindow.add(acc, RequestEvent.newBuilder().setService("api").setOperation(i <= 50 ? "GET /fast" : "GET /slow")
                .setStartTime(T0).setDurationMs(i).setStatus(SpanStatus.OK).build());
        }

        ClosedWindow closed = ServiceWindow.close(acc, "api", T0, T0.plusSeconds(60), "v");

        assertThat(closed.stats().getLatencyP50Ms()).isCloseTo(50, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(closed.stats().getLatencyP99Ms()).isCloseTo(99, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(closed.stats().getLatencyMaxMs()).isEqualTo(100);
        assertThat(closed.operations()).extracting(s -> s.getOperation(), s -> s.getLatencyMaxMs())
            .containsExactly(org.assertj.core.groups.Tuple.tuple("GET /fast", 50.0), org.assertj.core.groups.Tuple.tuple("GET /slow", 100.0));
    }

    @Test
    void shouldSummarizeAClosedWindow() {
        WindowAccumulator acc = ServiceWindow.empty();
        for (int i = 1; i <= 100; i++) {
            ServiceWindow.add(acc, RequestEvent.newBuilder().setService("api").setOperation("GET /").setStartTime(T0)
                .setDurationMs(i).setStatus(i <= 5 ? SpanStatus.ERROR : SpanStatus.OK).setTraceId("t" + i).build());
        }
        ServiceWindow.add(acc, MetricSample.newBuilder().setService("api").setInstance("a").setName("system.memory.utilization")
            .setValue(72).setUnit("%").setTime(T0).build());
        ServiceWindow.add(acc, ClassifiedLog.newBuilder().setAnalyzerVersion("v").setEventTime(T0).setService("api")
            .setLogSeverity(LogSeverity.ERROR).setCategory(FaultCategory.NETWORK).setKind(FaultKind.CONNECTION_REFUSED)
            .setSeverity(Severity.HIGH).setBody("Connection refused").build());
        ServiceWindow.add(acc, LogSeverity.INFO);

        ClosedWindow closed = ServiceWindow.close(acc, "api", T0, T0.plusSeconds(60), "v");

        assertThat(closed.stats().getRequestCount()).isEqualTo(100);
        assertThat(closed.stats().getErrorRate()).isEqualTo(0.05);
        assertThat(closed.stats().getLatencyP50Ms()).isCloseTo(50, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(closed.stats().getLatencyP99Ms()).isCloseTo(99, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(closed.stats().getLatencyMaxMs()).isEqualTo(100);
        assertThat(ServiceWindow.maxMemory(closed.stats())).isEqualTo(0.72);
        assertThat(closed.stats().getLogsBySeverity()).containsEntry("ERROR", 1L).containsEntry("INFO", 1L);
        assertThat(closed.stats().getLogsByKind()).containsEntry("CONNECTION_REFUSED", 1L);
        assertThat(closed.sampleLogs().get("CONNECTION_REFUSED")).containsExactly("Connection refused");
        assertThat(closed.errorTraceIds()).containsExactly("t1", "t2", "t3", "t4", "t5");
        assertThat(closed.operations()).singleElement().satisfies(op -> assertThat(op.getOperation()).isEqualTo("GET /"));
    }
}
