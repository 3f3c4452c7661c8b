package dev.faultline.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.avro.specific.SpecificRecord;

import dev.faultline.schema.LogRecord;
import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;

/**
 * The demo's traffic: checkout calls payments, payments calls postgres. After a quiet start,
 * payments' database connections time out: its errors, latency and CPU climb, its logs fill
 * with timeouts, and checkout feels some of it; meanwhile a payments node runs out of disk.
 * Then everything recovers. Seeded, so every run tells the same story.
 */
final class SampleIncident {
    private static final String[] SERVICES = {"checkout", "payments", "postgres"};

    private final Random random = new Random(42);
    private final Duration total;

    SampleIncident(Duration total) {
        this.total = total;
    }

    private boolean between(Duration elapsed, int fromPercent, int toPercent) {
        return elapsed.compareTo(total.multipliedBy(fromPercent).dividedBy(100)) >= 0
            && elapsed.compareTo(total.multipliedBy(toPercent).dividedBy(100)) < 0;
    }

    String phase(Duration elapsed) {
        if (between(elapsed, 0, 20)) {
            return "baseline: all healthy";
        }
        if (between(elapsed, 20, 65)) {
            return between(elapsed, 40, 55) ? "incident: payments -> postgres timeouts; node payments-2 disk filling"
                : "incident: payments -> postgres connections time out";
        }
        return "recovery: postgres answers again";
    }

    /** The telemetry of one tick (about a tenth of a second) at wall-clock {@code now}. */
    List<SpecificRecord> tick(Instant now, Duration elapsed) {
        boolean incident = between(elapsed, 20, 65);
        boolean diskFilling = between(elapsed, 40, 55);
        List<SpecificRecord> records = new ArrayList<>();
        for (String service : SERVICES) {
            int count = 2 + random.nextInt(3);
            for (int i = 0; i < count; i++) {
                double errorChance = 0.01;
                double latency = 15 + random.nextGaussian() * 4 + (service.equals("postgres") ? -10 : 0);
                if (incident && service.equals("payments")) {
                    errorChance = 0.35;
                    latency = 400 + random.nextDouble() * 1600;
                } else if (incident && service.equals("checkout")) {
                    errorChance = 0.12;
                    latency = 150 + random.nextDouble() * 600;
                }
                boolean failed = random.nextDouble() < errorChance;
                records.add(RequestEvent.newBuilder()
                    .setService(service)
                    .setOperation(service.equals("postgres") ? "SELECT" : "POST /" + service)
                    .setPeerService(service.equals("checkout") ? "payments" : service.equals("payments") ? "postgres" : null)
                    .setInstance(service + "-" + (1 + random.nextInt(2)))
                    .setStartTime(now.minusMillis(random.nextInt(100)))
                    .setDurationMs(Math.max(0.5, latency))
                    .setStatus(failed ? SpanStatus.ERROR : SpanStatus.OK)
                    .setHttpStatus(failed ? 503 : 200)
                    .setTraceId(Long.toHexString(random.nextLong()))
                    .build());
                if (failed && service.equals("payments") && incident) {
                    records.add(log(service, now, LogSeverity.ERROR,
                        "org.postgresql.util.PSQLException: The connection attempt failed.\n"
                            + "\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:354)\n"
                            + "Caused by: java.net.SocketTimeoutException: Read timed out"));
                }
            }
        }
        if (random.nextInt(10) == 0) {
            records.add(log("checkout", now, LogSeverity.INFO, "order placed"));
        }
        // Resource samples once a second per instance.
        if (random.nextInt(10) == 0) {
            for (int node = 1; node <= 2; node++) {
                String instance = "payments-" + node;
                double cpu = incident ? 0.86 + random.nextDouble() * 0.05 : 0.35 + random.nextDouble() * 0.1;
                records.add(metric("payments", instance, "system.cpu.utilization", cpu, now));
                double disk = node == 2 && diskFilling ? 0.97 : 0.55;
                records.add(metric("payments", instance, "system.filesystem.utilization", disk * 100, now));
            }
            if (diskFilling) {
                records.add(log("payments", now, LogSeverity.ERROR, "java.io.IOException: No space left on device"));
            }
        }
        return records;
    }

    private LogRecord log(String service, Instant now, LogSeverity severity, String body) {
        return LogRecord.newBuilder().setService(service).setInstance(service + "-2").setTime(now).setSeverity(severity).setBody(body).build();
    }

    private static MetricSample metric(String service, String instance, String name, double value, Instant now) {
        return MetricSample.newBuilder().setService(service).setInstance(instance).setName(name).setValue(value)
            .setUnit(name.endsWith("filesystem.utilization") ? "%" : "1").setTime(now).build();
    }
}
