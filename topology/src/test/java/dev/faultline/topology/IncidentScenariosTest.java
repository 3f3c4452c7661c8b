package dev.faultline.topology;

import static dev.faultline.topology.AnalyzerDriver.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.faultline.schema.DegradationChange;
import dev.faultline.schema.DegradationLevel;
import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.Feature;
import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;
import dev.faultline.schema.WindowStats;

/**
 * Realistic incidents fed through the whole topology, minute by minute with 60 s windows and
 * 10 s grace (the defaults); each asserts the exact fault events and level changes emitted,
 * and that nothing else is. Times are minutes:seconds from T0.
 */
class IncidentScenariosTest {
    private final AnalyzerDriver analyzer = new AnalyzerDriver();

    @AfterEach
    void close() {
        analyzer.close();
    }


    @Test
    void shouldOpenAndResolveHighErrorRateForAThreeMinuteSpike() {
        for (int m = 0; m < 10; m++) {
            int errors = m >= 2 && m <= 4 ? 30 : 1;
            final int minute = m;
            analyzer.minute(m, () -> analyzer.requests("payments", minute, 100, errors, 20));
        }
        assertThat(analyzer.faultEvents()).containsExactly(
            "4:00 OPENED payments HIGH_ERROR_RATE HIGH",
            "7:00 RESOLVED payments HIGH_ERROR_RATE HIGH");
        assertThat(analyzer.levelChanges()).containsExactly(
            "3:00 payments NONE->LEVEL_3",
            "7:00 payments LEVEL_3->NONE");
    }

    @Test
    void shouldCarryEvidenceAndOneIdThroughTheLifecycle() {
        for (int m = 0; m < 8; m++) {
            int errors = m >= 1 && m <= 3 ? 40 : 0;
            final int minute = m;
            analyzer.minute(m, () -> analyzer.requests("payments", minute, 100, errors, 20));
        }
        List<FaultEvent> events = analyzer.faultEventRecords();
        assertThat(events).hasSize(2);
        FaultEvent opened = events.get(0);
        assertThat(opened.getFaultId()).isEqualTo("payments/HIGH_ERROR_RATE/" + at(3, 0).toEpochMilli()).isEqualTo(events.get(1).getFaultId());
        assertThat(opened.getWindowStart()).isEqualTo(at(2, 0));
        assertThat(opened.getEvidence().getMeasurements().get(0).getName()).isEqualTo("error_rate");
        assertThat(opened.getEvidence().getMeasurements().get(0).getValue()).isEqualTo(0.40);
        assertThat(opened.getEvidence().getMeasurements().get(0).getThreshold()).isEqualTo(0.10);
        assertThat(opened.getEvidence().getTraceIds()).isNotEmpty();
        assertThat(opened.getAnalyzerVersion()).isEqualTo(AnalyzerVersion.VERSION);
        assertThat(events.get(1).getEvidence().getMeasurements().get(0).getValue()).isZero();
    }

    @Test
    void shouldKeyFaultEventsByServiceAndKind() {
        for (int m = 0; m < 4; m++) {
            final int minute = m;
            analyzer.minute(m, () -> analyzer.requests("payments", minute, 100, 50, 20));
        }
        assertThat(analyzer.faultEventKeyed()).extracting(r -> r.key()).containsExactly("payments/HIGH_ERROR_RATE");
    }

    @Test
    void shouldOpenHighLatencyWhenP95StaysAboveOneSecondForFiveMinutes() {
        for (int m = 0; m < 13; m++) {
            final int minute = m;
            analyzer.minute(m, () -> analyzer.requests("search", minute, 60, 0, 400 + 100 * minute));
        }
        assertThat(analyzer.faultEvents()).containsExactly("12:00 OPENED search HIGH_LATENCY HIGH");
        assertThat(analyzer.levelChanges()).isEmpty();
        WindowStats last = analyzer.serviceWindows().get(11);
        assertThat(last.getLatencyP95Ms()).isCloseTo(1500, org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void shouldFlagCpuSaturationAndStepDegradationUpAndDown() {
        for (int m = 0; m < 9; m++) {
            final int minute = m;
            analyzer.minute(m, () -> {
                analyzer.requests("render", minute, 30, 0, 50);
                analyzer.metric("render", "render-1", "system.cpu.utilization", 0.30, "1", at(minute, 5));
                boolean hot = minute == 3 || minute == 4;
                // The second instance reports percent: 96 % reads as 0.96.
                analyzer.metric("render", "render-2", "system.cpu.utilization", hot ? 96 : 35, "%", at(minute, 10));
            });
        }
        assertThat(analyzer.faultEvents()).containsExactly(
            "4:00 OPENED render CPU_OVERLOAD HIGH",
            "7:00 RESOLVED render CPU_OVERLOAD HIGH");
        assertThat(analyzer.levelChanges()).containsExactly(
            "4:00 render NONE->LEVEL_3",
            "7:00 render LEVEL_3->NONE");
    }

    @Test
    void shouldRaiseMemoryPressureToCriticalWhenMemoryClimbsFrom82To91Percent() {
        for (int m = 0; m < 9; m++) {
            final int minute = m;
            analyzer.minute(m, () -> {
                analyzer.requests("cache", minute, 30, 0, 5);
                analyzer.metric("cache", "cache-1", "system.memory.utilization", minute < 6 ? 0.82 : 0.91, null, at(minute, 30));
            });
        }
        assertThat(analyzer.faultEvents()).containsExactly(
            "5:00 OPENED cache MEMORY_PRESSURE HIGH",
            "7:00 UPDATED cache MEMORY_PRESSURE CRITICAL");
        assertThat(analyzer.levelChanges()).containsExactly(
            "1:00 cache NONE->LEVEL_1",
            "7:00 cache LEVEL_1->LEVEL_2");
    }

    @Test
    void shouldOpenAFaultForADnsFailureStormInLogs() {
        for (int m = 0; m < 7; m++) {
            final int minute = m;
            analyzer.minute(m, () -> {
                analyzer.requests("checkout", minute, 50, 0, 30);
                analyzer.log("checkout", LogSeverity.INFO, "order placed", at(minute, 1));
                if (minute == 2) {
                    for (int i = 0; i < 40; i++) {
                        analyzer.log("checkout", LogSeverity.ERROR,
                            "java.net.UnknownHostException: payments.internal: Name or service not known\n\tat java.base/java.net.InetAddress.getAllByName0(InetAddress.java:1380)",
                            at(2, i));
                    }
                }
            });
        }
        assertThat(analyzer.faultEvents()).containsExactly(
            "3:00 OPENED checkout DNS_RESOLUTION_FAILED HIGH",
            "5:00 RESOLVED checkout DNS_RESOLUTION_FAILED HIGH");
        assertThat(analyzer.levelChanges()).isEmpty();
        assertThat(analyzer.classifiedLogs()).hasSize(40).allSatisfy(log -> {
            assertThat(log.getKind().name()).isEqualTo("DNS_RESOLUTION_FAILED");
            assertThat(log.getRuleId()).isEqualTo("network.dns");
        });
        WindowStats storm = analyzer.serviceWindows().get(2);
        assertThat(storm.getLogsByKind()).containsEntry("DNS_RESOLUTION_FAILED", 40L);
        assertThat(storm.getLogsBySeverity()).containsEntry("ERROR", 40L).containsEntry("INFO", 1L);
    }

    @Test
    void shouldNotOpenLogFaultsBelowTheCountThreshold() {
        for (int m = 0; m < 3; m++) {
            final int minute = m;
            analyzer.minute(m, () -> {
                analyzer.requests("checkout", minute, 50, 0, 30);
                for (int i = 0; i < 4; i++) {
                    analyzer.log("checkout", LogSeverity.ERROR, "Connection refused", at(minute, 10 + i));
                }
            });
        }
        assertThat(analyzer.faultEvents()).isEmpty();
    }

    @Test
    void shouldDeclareASilentServiceDownAndResolveWhenItReportsAgain() {
        for (int m = 0; m < 10; m++) {
            final int minute = m;
            analyzer.minute(m, () -> {
                analyzer.requests("payments", minute, 20, 0, 10);
                if (minute <= 2 || minute >= 7) {
                    analyzer.requests("inventory", minute, 20, 0, 10);
                }
            });
        }
        // inventory's last request started at 2:57: down from 3:57 (noticed at the 4:00 check);
        // back at 7:00, noticed at the first check after (7:05); EMERGENCY left after two good windows.
        assertThat(analyzer.faultEvents()).containsExactly(
            "3:57 OPENED inventory SERVICE_DOWN CRITICAL",
            "7:05 RESOLVED inventory SERVICE_DOWN CRITICAL");
        assertThat(analyzer.levelChanges()).containsExactly(
            "3:57 inventory NONE->EMERGENCY",
            "9:00 inventory EMERGENCY->NONE");
    }

    @Test
    void shouldNotDeclareEverythingDownAfterAReplayOfOldData() {
        try (AnalyzerDriver replay = new AnalyzerDriver(java.util.Map.of(), at(60 * 24 * 30, 0))) {
            for (int m = 0; m < 6; m++) {
                replay.requests("payments", m, 20, 0, 10);
                if (m <= 1) {
                    replay.requests("inventory", m, 20, 0, 10);
                }
            }
            // The replay is over; an hour of wall-clock time passes with no input.
            replay.wallClockStepsTo(at(60 * 24 * 30 + 60, 0));
            // Only the service that went silent within the replayed data is down.
            assertThat(replay.faultEvents()).containsExactly("2:57 OPENED inventory SERVICE_DOWN CRITICAL");
        }
    }

    @Test
    void shouldCountLateRecordsInsideGraceAndDeadLetterThoseAfterTheWindowClosed() {
        analyzer.requests("payments", 0, 10, 0, 10);
        analyzer.request("payments", at(1, 5), false, 10);
        analyzer.request("payments", at(0, 59), false, 10);  // 6 s late: inside grace
        analyzer.request("payments", at(1, 10), false, 10);  // closes [0:00, 1:00)
        analyzer.request("payments", at(0, 58), false, 10);  // after the close: not counted
        analyzer.request("payments", at(2, 10), false, 10);  // closes [1:00, 2:00)
        assertThat(analyzer.serviceWindows()).extracting(WindowStats::getRequestCount).containsExactly(11L, 2L);
        // Not counted, and not lost either: dead-lettered with the reason.
        assertThat(analyzer.deadLetters()).extracting(r -> r.value().getReason() + ": " + r.value().getErrorMessage()).containsExactly(
            "VALIDATION_ERROR: late: event time " + at(0, 58) + " is in the window [" + at(0, 0) + ", " + at(1, 0)
                + "), emitted when stream time passed " + at(1, 10));
    }

    @Test
    void shouldDeadLetterALateRecordAsItsProducerWroteIt() {
        analyzer.requests("payments", 0, 10, 0, 10);
        analyzer.request("payments", at(1, 10), false, 10);  // closes [0:00, 1:00)
        RequestEvent late = RequestEvent.newBuilder().setService("payments").setOperation("POST /payments").setStartTime(at(0, 58))
            .setDurationMs(10).setStatus(SpanStatus.OK).build();
        analyzer.pipe(late);

        // Found late after the repartition by service, which carries the bytes it was read from.
        assertThat(analyzer.deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.value().getErrorMessage()).startsWith("late: ");
            assertThat(letter.value().getValue().array()).isEqualTo(analyzer.serialized(late));
        });
    }

    @Test
    void shouldEmitEveryWindowWhenStreamTimeJumpsPastSeveralOfThemAtOnce() {
        // A catch-up or a lull: stream time moves minutes ahead within one record and no wall-clock time.
        analyzer.requests("payments", 0, 10, 0, 10);
        analyzer.requests("checkout", 1, 20, 0, 10);
        analyzer.requests("payments", 2, 30, 0, 10);
        analyzer.request("payments", at(30, 0), false, 10);
        assertThat(analyzer.serviceWindows()).extracting(w -> w.getService() + " " + w.getWindowStart() + " " + w.getRequestCount())
            .containsExactly("payments " + at(0, 0) + " 10", "checkout " + at(1, 0) + " 20", "payments " + at(2, 0) + " 30");
    }

    @Test
    void shouldNotFlapWhenTheErrorRateOscillatesAroundTheThreshold() {
        for (int m = 0; m < 12; m++) {
            final int minute = m;
            // 10.5 % and 9.5 % in turn: never two windows in a row above 10 %.
            analyzer.minute(m, () -> analyzer.requests("payments", minute, 200, minute % 2 == 0 ? 21 : 19, 20));
        }
        assertThat(analyzer.faultEvents()).isEmpty();
        assertThat(analyzer.levelChanges()).containsExactly("1:00 payments NONE->LEVEL_1");
    }

    @Test
    void shouldReportLevelChangesWithTheirDecidingSignalsAndFeatures() {
        for (int m = 0; m < 2; m++) {
            final int minute = m;
            analyzer.minute(m, () -> analyzer.requests("payments", minute, 100, 16, 20));
        }
        DegradationChange change = analyzer.levelChangeRecords().get(0);
        assertThat(change.getFromLevel()).isEqualTo(DegradationLevel.NONE);
        assertThat(change.getToLevel()).isEqualTo(DegradationLevel.LEVEL_2);
        assertThat(change.getDeciding()).singleElement().satisfies(m -> {
            assertThat(m.getName()).isEqualTo("error_rate");
            assertThat(m.getValue()).isEqualTo(0.16);
            assertThat(m.getThreshold()).isEqualTo(0.15);
        });
        assertThat(change.getFeatures()).containsExactlyInAnyOrder(Feature.CORE, Feature.CACHING);
    }

    @Test
    void shouldEmitPerOperationStatisticsBesideTheServiceWindow() {
        analyzer.request("payments", at(0, 1), false, 10);
        analyzer.pipe(dev.faultline.schema.RequestEvent.newBuilder().setService("payments").setOperation("GET /refund")
            .setStartTime(at(0, 2)).setDurationMs(30).setStatus(dev.faultline.schema.SpanStatus.ERROR).build());
        analyzer.request("payments", at(1, 15), false, 10);
        assertThat(analyzer.allWindows()).extracting(w -> w.getOperation() + " " + w.getRequestCount() + " " + w.getErrorCount())
            .containsExactlyInAnyOrder("null 2 1", "GET /refund 1 1", "POST /payments 1 0");
    }
}
