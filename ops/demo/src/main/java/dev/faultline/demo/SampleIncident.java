package dev.faultline.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;

/**
 * The demo's traffic: checkout calls payments, payments calls postgres. After a quiet
 * start, payments' database connections time out: its errors and latency climb, and
 * checkout sees some of it; then it recovers. Seeded, so every run tells the same story.
 */
final class SampleIncident {
    private static final String[] SERVICES = {"checkout", "payments", "postgres"};

    private final Random random = new Random(42);
    private final Duration incidentStart;
    private final Duration incidentEnd;

    SampleIncident(Duration total) {
        this.incidentStart = total.multipliedBy(25).dividedBy(100);
        this.incidentEnd = total.multipliedBy(70).dividedBy(100);
    }

    boolean inIncident(Duration elapsed) {
        return elapsed.compareTo(incidentStart) >= 0 && elapsed.compareTo(incidentEnd) < 0;
    }

    String phase(Duration elapsed) {
        if (elapsed.compareTo(incidentStart) < 0) {
            return "baseline";
        }
        return inIncident(elapsed) ? "incident: payments -> postgres connections time out" : "recovery";
    }

    /** The requests of one tick (about a tenth of a second) at wall-clock {@code now}. */
    List<RequestEvent> tick(Instant now, Duration elapsed) {
        boolean incident = inIncident(elapsed);
        List<RequestEvent> requests = new ArrayList<>();
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
                requests.add(RequestEvent.newBuilder()
                    .setService(service)
                    .setOperation(service.equals("postgres") ? "SELECT" : "POST /" + service)
                    .setPeerService(service.equals("checkout") ? "payments" : service.equals("payments") ? "postgres" : null)
                    .setInstance(service + "-" + (1 + random.nextInt(2)))
                    .setStartTime(now.minusMillis(random.nextInt(100)))
                    .setDurationMs(Math.max(0.5, latency))
                    .setStatus(failed ? SpanStatus.ERROR : SpanStatus.OK)
                    .setHttpStatus(failed ? 503 : 200)
                    .build());
            }
        }
        return requests;
    }
}
