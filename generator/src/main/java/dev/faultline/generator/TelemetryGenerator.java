package dev.faultline.generator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import dev.faultline.generator.Telemetry.Input;
import dev.faultline.schema.LogRecord;
import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;

/**
 * Plays a {@link Scenario} from {@code start}: for each slice of time, the requests, logs and
 * resource samples its services produce, with the faults active at that moment. Seeded: the
 * same scenario, start and slicing give the same records.
 */
public final class TelemetryGenerator {
    /** Trouble spreads upstream: a caller shows this share of a dependency's failures and added latency. */
    private static final double UPSTREAM_SHARE = 0.3;
    private static final String[] BAD_DEPLOY_ERRORS = {
        "NullPointerException: Cannot invoke \"Order.customer()\" because \"order\" is null at OrderValidator.check(OrderValidator.java:%d)",
        "feature flag checkout-v2 evaluation failed: variant %d is not defined",
        "ClassCastException: class PriceV2 cannot be cast to class Price (request %d)",
        "schema migration 0042 incomplete: column discount_code missing, query %d aborted",
    };

    private final Scenario scenario;
    private final Instant start;
    private final Random random;

    public TelemetryGenerator(Scenario scenario, Instant start) {
        this.scenario = scenario;
        this.start = start;
        this.random = new Random(scenario.seed());
    }

    public Scenario scenario() {
        return scenario;
    }

    public Instant start() {
        return start;
    }

    /** The telemetry with event times in [{@code from}, {@code to}). */
    public List<Telemetry> between(Instant from, Instant to) {
        Duration elapsed = Duration.between(start, from);
        double seconds = Duration.between(from, to).toNanos() / 1e9;
        List<Telemetry> out = new ArrayList<>();
        Map<String, Effects> effects = new HashMap<>();
        for (ServiceProfile service : scenario.services()) {
            Effects e = effects(service.name(), elapsed, effects, new HashSet<>());
            if (e.silent) {
                continue;
            }
            requests(service, e, from, seconds, out);
            for (long second = ceilSecond(from); second < ceilSecond(to); second++) {
                perSecond(service, e, Instant.ofEpochSecond(second), out);
            }
        }
        return out;
    }

    private static long ceilSecond(Instant instant) {
        return instant.getNano() == 0 ? instant.getEpochSecond() : instant.getEpochSecond() + 1;
    }

    private void requests(ServiceProfile service, Effects e, Instant from, double seconds, List<Telemetry> out) {
        double rate = service.requestsPerSecond() * daily(from);
        int count = poisson(rate * seconds);
        double errorRate = Math.min(1, service.errorRate() + e.extraError);
        for (int i = 0; i < count; i++) {
            Instant time = from.plusNanos((long) (random.nextDouble() * seconds * 1e9));
            String operation = service.operations().get(random.nextInt(service.operations().size()));
            String instance = service.instance(random.nextInt(service.instances()));
            double latency = service.medianLatencyMs() * Math.exp(0.35 * random.nextGaussian())
                + e.addedLatencyMs * (0.8 + 0.4 * random.nextDouble());
            boolean failed = random.nextDouble() < errorRate;
            String traceId = Long.toHexString(random.nextLong());
            out.add(new Telemetry(Input.REQUESTS, service.name(), RequestEvent.newBuilder()
                .setService(service.name()).setOperation(operation)
                .setPeerService(service.calls().isEmpty() ? null : service.calls().get(random.nextInt(service.calls().size())))
                .setInstance(instance).setStartTime(time).setDurationMs(Math.max(0.1, latency))
                .setStatus(failed ? SpanStatus.ERROR : SpanStatus.OK).setHttpStatus(failed ? 503 : 200)
                .setTraceId(traceId).build()));
            if (failed) {
                String body = e.failureLog == null || random.nextDouble() >= e.failureShare(errorRate)
                    ? String.format("request failed with status 503 after %d ms", Math.round(latency))
                    : String.format(e.failureLog, random.nextInt(1000));
                out.add(log(service.name(), instance, time, LogSeverity.ERROR, body, traceId));
            }
        }
    }

    private void perSecond(ServiceProfile service, Effects e, Instant second, List<Telemetry> out) {
        double load = daily(second);
        for (int i = 0; i < service.instances(); i++) {
            String instance = service.instance(i);
            double cpu = Math.max(e.cpu, service.cpu() * load) + 0.03 * random.nextGaussian();
            out.add(metric(service.name(), instance, "system.cpu.utilization", clamp(cpu), "1", second));
            out.add(metric(service.name(), instance, "system.memory.utilization", clamp(Math.max(e.memory, service.memory()) + 0.01 * random.nextGaussian()), "1", second));
            double disk = e.disk.getOrDefault(instance, service.disk());
            out.add(metric(service.name(), instance, "system.filesystem.utilization", 100 * clamp(disk), "%", second));
            if (disk >= 0.95) {
                out.add(log(service.name(), instance, second, LogSeverity.ERROR,
                    "java.io.IOException: No space left on device (write /var/lib/" + service.name() + "/segment-" + random.nextInt(100) + ".log)", null));
            }
        }
        out.add(log(service.name(), service.instance(random.nextInt(service.instances())), second, LogSeverity.INFO,
            String.format("served %d requests in the last second, pool %d/%d busy", poisson(service.requestsPerSecond()),
                random.nextInt(10), 20), null));
    }

    /** What the faults active at {@code elapsed} do to a service, including trouble spreading from what it calls. */
    private Effects effects(String service, Duration elapsed, Map<String, Effects> known, Set<String> visiting) {
        Effects cached = known.get(service);
        if (cached != null) {
            return cached;
        }
        ServiceProfile profile = scenario.service(service).orElseThrow();
        Effects e = new Effects();
        if (visiting.add(service)) {
            for (String callee : profile.calls()) {
                Effects dependency = effects(callee, elapsed, known, visiting);
                if (dependency.silent) {
                    e.extraError += 0.5;
                    e.failureLog = "java.net.ConnectException: Connection refused (" + callee + ":8080), attempt %d";
                } else {
                    e.extraError += UPSTREAM_SHARE * dependency.extraError;
                    e.addedLatencyMs += UPSTREAM_SHARE * dependency.addedLatencyMs;
                }
            }
            visiting.remove(service);
        }
        for (InjectedFault fault : scenario.faults()) {
            double intensity = fault.intensity(elapsed);
            if (intensity == 0 || !fault.service().equals(service)) {
                continue;
            }
            double m = fault.magnitude() * intensity;
            String target = fault.target().orElse("");
            switch (fault.type()) {
                case LATENCY -> e.addedLatencyMs += m;
                case ERROR_RATE -> {
                    e.extraError += m;
                    e.failureLog = "HTTP 500 Internal Server Error from handler, request %d";
                }
                case CPU -> {
                    e.cpu = Math.max(e.cpu, profile.cpu() + (fault.magnitude() - profile.cpu()) * intensity);
                    e.addedLatencyMs += profile.medianLatencyMs() * intensity;
                }
                case MEMORY -> e.memory = Math.max(e.memory, profile.memory() + (fault.magnitude() - profile.memory()) * intensity);
                case DISK -> {
                    double disk = profile.disk() + (fault.magnitude() - profile.disk()) * intensity;
                    for (int i = 0; i < profile.instances(); i++) {
                        String instance = profile.instance(i);
                        if (fault.instance().map(instance::equals).orElse(true)) {
                            e.disk.merge(instance, disk, Math::max);
                        }
                    }
                }
                case DNS -> {
                    e.extraError += m;
                    e.failureLog = "java.net.UnknownHostException: " + target + ": Name or service not known (lookup %d)";
                }
                case NETWORK -> {
                    e.extraError += m;
                    e.failureLog = "java.net.NoRouteToHostException: No route to host (" + target + "), connection %d";
                }
                case DEPENDENCY_OUTAGE -> {
                    e.extraError += m;
                    e.addedLatencyMs += 2000 * intensity;
                    e.failureLog = "call to " + target + " failed after 5000 ms (attempt %d)\n"
                        + "Caused by: java.net.SocketTimeoutException: Read timed out";
                }
                case PROCESS_KILL -> e.silent = true;
                case BAD_DEPLOY -> {
                    e.extraError += m;
                    e.failureLog = BAD_DEPLOY_ERRORS[random.nextInt(BAD_DEPLOY_ERRORS.length)];
                }
            }
        }
        e.extraError = Math.min(1, e.extraError);
        known.put(service, e);
        return e;
    }

    /** Request rate relative to the daily mean: lowest at 04:00 UTC, highest at 16:00. */
    private double daily(Instant time) {
        double dayFraction = (time.getEpochSecond() % 86_400) / 86_400.0;
        return 1 + scenario.dailyAmplitude() * Math.sin(2 * Math.PI * (dayFraction - 10.0 / 24));
    }

    private int poisson(double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 30) {
            return Math.max(0, (int) Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
        }
        double limit = Math.exp(-mean);
        double product = random.nextDouble();
        int count = 0;
        while (product > limit) {
            product *= random.nextDouble();
            count++;
        }
        return count;
    }

    private static double clamp(double ratio) {
        return Math.max(0, Math.min(1, ratio));
    }

    private static Telemetry log(String service, String instance, Instant time, LogSeverity severity, String body, String traceId) {
        return new Telemetry(Input.LOGS, service, LogRecord.newBuilder().setService(service).setInstance(instance).setTime(time)
            .setSeverity(severity).setBody(body).setTraceId(traceId).build());
    }

    private static Telemetry metric(String service, String instance, String name, double value, String unit, Instant time) {
        return new Telemetry(Input.METRICS, service, MetricSample.newBuilder().setService(service).setInstance(instance).setName(name)
            .setValue(value).setUnit(unit).setTime(time).build());
    }

    /** The faults' combined effect on one service at one moment. */
    private static final class Effects {
        boolean silent;
        double extraError;
        double addedLatencyMs;
        double cpu;
        double memory;
        final Map<String, Double> disk = new HashMap<>();
        /** Body (a format with one %d) of the log a failed request writes, when a fault explains the failure. */
        String failureLog;

        /** The share of failed requests whose log names the fault (the rest fail as usual). */
        double failureShare(double errorRate) {
            return errorRate == 0 ? 0 : Math.min(1, extraError / errorRate);
        }
    }
}
