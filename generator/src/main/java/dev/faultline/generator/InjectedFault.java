package dev.faultline.generator;

import java.time.Duration;
import java.util.Optional;

/**
 * One fault a scenario injects: from {@code start} for {@code duration} (offsets into the
 * scenario), growing linearly to {@code magnitude} over {@code ramp}.
 */
public record InjectedFault(String id, FaultType type, String service, Optional<String> target, Optional<String> instance,
                            Duration start, Duration duration, Duration ramp, double magnitude) {

    public Duration end() {
        return start.plus(duration);
    }

    /** How strongly the fault acts at {@code elapsed}: 0 outside it, 0..1 while ramping, then 1. */
    public double intensity(Duration elapsed) {
        if (elapsed.compareTo(start) < 0 || elapsed.compareTo(end()) >= 0) {
            return 0;
        }
        if (ramp.isZero()) {
            return 1;
        }
        return Math.min(1.0, (double) elapsed.minus(start).toMillis() / ramp.toMillis());
    }

    /** The same fault with every offset multiplied by {@code factor} (a scenario stretched or squeezed). */
    InjectedFault scaled(double factor) {
        return new InjectedFault(id, type, service, target, instance, times(start, factor), times(duration, factor),
            times(ramp, factor), magnitude);
    }

    private static Duration times(Duration duration, double factor) {
        return Duration.ofMillis(Math.round(duration.toMillis() * factor));
    }
}
