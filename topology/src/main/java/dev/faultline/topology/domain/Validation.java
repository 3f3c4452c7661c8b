package dev.faultline.topology.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.faultline.schema.LogRecord;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;

/**
 * Why an input record cannot be used, if it cannot: what the schema allows but the analyzer
 * must not fold into a service's window. Checked against the time the record is processed,
 * so timestamps absurdly far in the future are refused.
 */
public final class Validation {
    public static final int MAX_NAME_LENGTH = 256;

    private final Duration maxFutureSkew;

    public Validation(Duration maxFutureSkew) {
        this.maxFutureSkew = maxFutureSkew;
    }

    public Optional<String> problem(RequestEvent r, Instant now) {
        return first(
            nameProblem("service", r.getService()),
            nameProblem("operation", r.getOperation()),
            durationProblem(r.getDurationMs()),
            time("startTime", r.getStartTime(), now));
    }

    /**
     * Checked here rather than when the window adds it: the window step adds requests in batches, where a failure would
     * be reported against another record.
     */
    private static Optional<String> durationProblem(double millis) {
        if (!Double.isFinite(millis) || millis < 0) {
            return Optional.of("durationMs " + millis + " is not a finite, non-negative number");
        }
        return millis > LatencySketch.MAX_MILLIS
            ? Optional.of("durationMs " + millis + " is above " + LatencySketch.MAX_MILLIS + ", the largest a latency sketch holds") : Optional.empty();
    }

    public Optional<String> problem(MetricSample m, Instant now) {
        return first(
            nameProblem("service", m.getService()),
            nameProblem("name", m.getName()),
            Double.isFinite(m.getValue()) ? Optional.empty() : Optional.of("value " + m.getValue() + " is not finite"),
            ResourceMetric.of(m.getName()).isPresent() && !ResourceMetric.plausible(m.getValue(), m.getUnit())
                ? Optional.of(m.getName() + " " + m.getValue() + " (unit " + m.getUnit() + ") is not a utilization in 0..1 or 0..100 %")
                : Optional.empty(),
            time("time", m.getTime(), now));
    }

    public Optional<String> problem(LogRecord l, Instant now) {
        return first(nameProblem("service", l.getService()), time("time", l.getTime(), now));
    }

    @SafeVarargs
    private static Optional<String> first(Optional<String>... checks) {
        for (Optional<String> check : checks) {
            if (check.isPresent()) {
                return check;
            }
        }
        return Optional.empty();
    }

    /** Why a service or other name is unusable (empty, too long, control characters), if it is; the API applies it too. */
    public static Optional<String> nameProblem(String field, String value) {
        if (value == null || value.isBlank()) {
            return Optional.of(field + " is empty");
        }
        if (value.length() > MAX_NAME_LENGTH) {
            return Optional.of(field + " is longer than " + MAX_NAME_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) { // per record: a loop, not a stream
            if (Character.isISOControl(value.charAt(i))) {
                return Optional.of(field + " contains control characters");
            }
        }
        // Avro decodes invalid UTF-8 to replacement characters: the name was garbled on the way.
        if (value.indexOf('\uFFFD') >= 0) {
            return Optional.of(field + " is not valid UTF-8");
        }
        return Optional.empty();
    }

    private Optional<String> time(String field, Instant time, Instant now) {
        if (time.toEpochMilli() < 0) {
            return Optional.of(field + " " + time + " is before 1970");
        }
        if (time.isAfter(now.plus(maxFutureSkew))) {
            return Optional.of(field + " " + time + " is more than " + maxFutureSkew + " ahead of the analyzer's clock (" + now + ")");
        }
        return Optional.empty();
    }
}
