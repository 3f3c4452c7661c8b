package dev.faultline.topology.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;
import dev.faultline.schema.WindowStats;

class RequestStatsTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private static RequestEvent request(SpanStatus status, Integer http, String rpc, double ms) {
        return RequestEvent.newBuilder().setService("payments").setOperation("op").setStartTime(T0)
            .setDurationMs(ms).setStatus(status).setHttpStatus(http).setRpcCode(rpc).build();
    }

    @ParameterizedTest(name = "status={0} http={1} rpc={2} -> error={3}")
    @CsvSource(nullValues = "-", value = {
        "ERROR, 200, -,           true",
        "OK,    503, -,           false",
        "UNSET, 503, -,           true",
        "UNSET, 500, -,           true",
        "UNSET, 404, -,           false",
        "UNSET, -,   UNAVAILABLE, true",
        "UNSET, -,   OK,          false",
        "UNSET, -,   -,           false",
    })
    void shouldJudgeErrorsBySpanStatusFirstThenByProtocolCodes(SpanStatus status, Integer http, String rpc, boolean error) {
        assertThat(RequestStats.isError(request(status, http, rpc, 1))).isEqualTo(error);
    }

    @Test
    void shouldCountErrorsAndDeriveRatesWhenClosed() {
        WindowStats stats = RequestStats.empty();
        stats = RequestStats.add(stats, request(SpanStatus.OK, null, null, 12));
        stats = RequestStats.add(stats, request(SpanStatus.ERROR, null, null, 700));
        stats = RequestStats.add(stats, request(SpanStatus.OK, null, null, 30));

        WindowStats closed = RequestStats.close(stats, T0, T0.plusSeconds(60), "9.9.9");

        assertThat(closed.getService()).isEqualTo("payments");
        assertThat(closed.getRequestCount()).isEqualTo(3);
        assertThat(closed.getErrorCount()).isEqualTo(1);
        assertThat(closed.getErrorRate()).isEqualTo(1 / 3.0);
        assertThat(closed.getThroughput()).isEqualTo(3 / 60.0);
        assertThat(closed.getLatencyMaxMs()).isEqualTo(700.0);
        assertThat(closed.getWindowEnd()).isEqualTo(closed.getEventTime()).isEqualTo(T0.plusSeconds(60));
        assertThat(closed.getAnalyzerVersion()).isEqualTo("9.9.9");
    }

    @Test
    void shouldReportZeroRatesForAnEmptyWindow() {
        WindowStats closed = RequestStats.close(RequestStats.empty(), T0, T0.plusSeconds(60), "v");
        assertThat(closed.getErrorRate()).isZero();
        assertThat(closed.getThroughput()).isZero();
        assertThat(closed.getLatencyMaxMs()).isNull();
    }
}
