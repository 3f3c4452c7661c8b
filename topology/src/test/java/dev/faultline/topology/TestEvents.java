package dev.faultline.topology;

import java.time.Instant;

import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;

/** Test telemetry built through the Avro builders. */
public final class TestEvents {
    public static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private TestEvents() {
    }

    public static RequestEvent request(String service, double durationMs, Instant start) {
        return request(service, durationMs, start, SpanStatus.OK);
    }

    public static RequestEvent failedRequest(String service, double durationMs, Instant start) {
        return request(service, durationMs, start, SpanStatus.ERROR);
    }

    public static MetricSample metric(String service, String instance, String name, double value, String unit, Instant time) {
        return MetricSample.newBuilder().setService(service).setInstance(instance).setName(name).setValue(value).setUnit(unit)
            .setTime(time).build();
    }

    private static RequestEvent request(String service, double durationMs, Instant start, SpanStatus status) {
        return RequestEvent.newBuilder()
            .setService(service).setOperation("GET /").setStartTime(start).setDurationMs(durationMs).setStatus(status)
            .build();
    }
}
