package dev.faultline.topology.domain;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.faultline.schema.DegradationLevel;
import dev.faultline.schema.Feature;
import dev.faultline.schema.Measurement;

/**
 * One service's degradation level (fault-model.md section 6). Going up is immediate; going
 * down waits until every signal has been below the level's thresholds minus a margin for a
 * dwell of closed windows, so a signal oscillating around a threshold does not flap.
 */
public final class Degradation {

    /** The signals of one closed window; null resources mean no samples in the window. */
    public record Signals(Double cpuMax, Double memoryMax, double errorRate, boolean serviceDown) {
    }

    /** A level change to emit, with the signals and thresholds that decided it. */
    public record Change(DegradationLevel from, DegradationLevel to, List<Measurement> deciding, Set<Feature> features, String reason) {
    }

    private final DegradationPolicy policy;
    private DegradationLevel level;
    private int windowsBelow;
    private DegradationLevel highestWhileBelow;

    public Degradation(DegradationPolicy policy) {
        this(policy, DegradationLevel.NONE, 0, DegradationLevel.NONE);
    }

    /** Restores a tracker from its persisted state. */
    public Degradation(DegradationPolicy policy, DegradationLevel level, int windowsBelow, DegradationLevel highestWhileBelow) {
        this.policy = policy;
        this.level = level;
        this.windowsBelow = windowsBelow;
        this.highestWhileBelow = highestWhileBelow;
    }

    public DegradationLevel level() {
        return level;
    }

    public int windowsBelow() {
        return windowsBelow;
    }

    public DegradationLevel highestWhileBelow() {
        return highestWhileBelow;
    }

    public static Set<Feature> features(DegradationLevel level) {
        Set<Feature> features = EnumSet.of(Feature.CORE);
        if (level == DegradationLevel.NONE) {
            features.add(Feature.ANALYTICS);
            features.add(Feature.NON_ESSENTIAL);
        }
        if (level.compareTo(DegradationLevel.LEVEL_2) < 0) {
            features.add(Feature.DETAILED_LOGS);
        }
        if (level.compareTo(DegradationLevel.LEVEL_3) < 0) {
            features.add(Feature.CACHING);
        }
        return features;
    }

    public Optional<Change> observe(Signals signals) {
        DegradationLevel entered = levelFor(signals, 0, 0);
        if (entered.compareTo(level) > 0) {
            return Optional.of(change(entered, enteringMeasurements(signals, entered), "entered"));
        }
        // Still at or above the current level once the margins are allowed for: stay.
        DegradationLevel held = levelFor(signals, policy.resourceMargin(), policy.errorRateMargin());
        if (held.compareTo(level) >= 0) {
            windowsBelow = 0;
            highestWhileBelow = DegradationLevel.NONE;
            return Optional.empty();
        }
        windowsBelow++;
        if (held.compareTo(highestWhileBelow) > 0) {
            highestWhileBelow = held;
        }
        if (windowsBelow < policy.dwellWindows()) {
            return Optional.empty();
        }
        return Optional.of(change(highestWhileBelow, leavingMeasurements(signals), "below thresholds minus margin for " + windowsBelow + " windows"));
    }

    private Change change(DegradationLevel to, List<Measurement> deciding, String why) {
        DegradationLevel from = level;
        level = to;
        windowsBelow = 0;
        highestWhileBelow = DegradationLevel.NONE;
        return new Change(from, to, deciding, features(to), from + " -> " + to + ": " + why);
    }

    /** The highest level whose threshold (less the margins) any signal reaches. */
    private DegradationLevel levelFor(Signals s, double resourceMargin, double errorMargin) {
        if (s.serviceDown() || s.errorRate() >= policy.emergencyErrorRate() - errorMargin) {
            return DegradationLevel.EMERGENCY;
        }
        for (int i = 2; i >= 0; i--) {
            if (reaches(s.cpuMax(), policy.cpu()[i] - resourceMargin)
                || reaches(s.memoryMax(), policy.memory()[i] - resourceMargin)
                || s.errorRate() >= policy.errorRate()[i] - errorMargin) {
                return DegradationLevel.values()[i + 1];
            }
        }
        return DegradationLevel.NONE;
    }

    private static boolean reaches(Double value, double threshold) {
        return value != null && value >= threshold;
    }

    private List<Measurement> enteringMeasurements(Signals s, DegradationLevel to) {
        List<Measurement> deciding = new ArrayList<>();
        if (to == DegradationLevel.EMERGENCY) {
            if (s.serviceDown()) {
                deciding.add(measurement("service_down", 1, 1.0, ">="));
            }
            if (s.errorRate() >= policy.emergencyErrorRate()) {
                deciding.add(measurement("error_rate", s.errorRate(), policy.emergencyErrorRate(), ">="));
            }
            return deciding;
        }
        int i = to.ordinal() - 1;
        if (reaches(s.cpuMax(), policy.cpu()[i])) {
            deciding.add(measurement("cpu_max", s.cpuMax(), policy.cpu()[i], ">="));
        }
        if (reaches(s.memoryMax(), policy.memory()[i])) {
            deciding.add(measurement("memory_max", s.memoryMax(), policy.memory()[i], ">="));
        }
        if (s.errorRate() >= policy.errorRate()[i]) {
            deciding.add(measurement("error_rate", s.errorRate(), policy.errorRate()[i], ">="));
        }
        return deciding;
    }

    /** Every signal against the threshold minus margin of the level being left. */
    private List<Measurement> leavingMeasurements(Signals s) {
        List<Measurement> deciding = new ArrayList<>();
        if (level == DegradationLevel.EMERGENCY) {
            deciding.add(measurement("error_rate", s.errorRate(), policy.emergencyErrorRate() - policy.errorRateMargin(), "<"));
            return deciding;
        }
        int i = level.ordinal() - 1;
        if (s.cpuMax() != null) {
            deciding.add(measurement("cpu_max", s.cpuMax(), policy.cpu()[i] - policy.resourceMargin(), "<"));
        }
        if (s.memoryMax() != null) {
            deciding.add(measurement("memory_max", s.memoryMax(), policy.memory()[i] - policy.resourceMargin(), "<"));
        }
        deciding.add(measurement("error_rate", s.errorRate(), policy.errorRate()[i] - policy.errorRateMargin(), "<"));
        return deciding;
    }

    private static Measurement measurement(String name, double value, double threshold, String comparison) {
        return Measurement.newBuilder().setName(name).setValue(value).setThreshold(threshold).setComparison(comparison).build();
    }
}
