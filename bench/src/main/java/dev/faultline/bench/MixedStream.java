package dev.faultline.bench;

import java.time.Instant;
import java.util.Random;

import org.apache.avro.specific.SpecificRecord;

import dev.faultline.schema.LogRecord;
import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;

/**
 * The load benchmark's input: a seeded mix of 70 % requests, 20 % logs and 10 % metric
 * samples over a number of services, event times advancing evenly from a start.
 */
final class MixedStream {
    private static final String[] LOGS = {
        "request handled in 12 ms",
        "java.net.SocketTimeoutException: Read timed out",
        "cache refreshed, 1234 entries",
        "org.postgresql.util.PSQLException: Connection refused",
        "user 4711 logged in from 10.1.2.3",
    };

    private final Random random = new Random(42);
    private final int services;
    private final Instant start;
    private final double eventsPerSecond;
    private long index;

    MixedStream(int services, Instant start, double eventsPerSecond) {
        this.services = services;
        this.start = start;
        this.eventsPerSecond = eventsPerSecond;
    }

    SpecificRecord next() {
        Instant time = start.plusNanos((long) (index++ * 1e9 / eventsPerSecond));
        String service = "svc-" + random.nextInt(services);
        int kind = random.nextInt(10);
        if (kind < 7) {
            return request(random, service, time);
        }
        if (kind < 9) {
            int which = random.nextInt(LOGS.length);
            return LogRecord.newBuilder().setService(service).setInstance(service + "-0").setTime(time)
                .setSeverity(which % 2 == 1 ? LogSeverity.ERROR : LogSeverity.INFO).setBody(LOGS[which]).build();
        }
        return cpuSample(random, service, time);
    }

    /** One of the stream's requests: two operations, 2 % failed, 5 to 205 ms. */
    static RequestEvent request(Random random, String service, Instant time) {
        boolean failed = random.nextDouble() < 0.02;
        return RequestEvent.newBuilder().setService(service).setOperation(random.nextBoolean() ? "GET /items" : "POST /orders")
            .setInstance(service + "-" + random.nextInt(3)).setStartTime(time).setDurationMs(5 + random.nextDouble() * 200)
            .setStatus(failed ? SpanStatus.ERROR : SpanStatus.OK).setHttpStatus(failed ? 503 : 200)
            .setTraceId(Long.toHexString(random.nextLong())).build();
    }

    /** One of the stream's CPU samples, below 70 %. */
    static MetricSample cpuSample(Random random, String service, Instant time) {
        return MetricSample.newBuilder().setService(service).setInstance(service + "-0").setName("system.cpu.utilization")
            .setValue(random.nextDouble() * 0.7).setUnit("1").setTime(time).build();
    }

    static String topicRole(SpecificRecord record) {
        return record instanceof RequestEvent ? "requests" : record instanceof LogRecord ? "logs" : "metrics";
    }

    static long eventTime(SpecificRecord record) {
        if (record instanceof RequestEvent r) {
            return r.getStartTime().toEpochMilli();
        }
        return record instanceof LogRecord l ? l.getTime().toEpochMilli() : ((MetricSample) record).getTime().toEpochMilli();
    }

    static String service(SpecificRecord record) {
        return record.get(record.getSchema().getField("service").pos()).toString();
    }
}
