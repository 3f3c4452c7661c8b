package dev.faultline.topology.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;

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
}
