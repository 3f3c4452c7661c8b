package dev.faultline.topology.domain;

/**
 * Thresholds of fault-model.md section 6, as 0..1 ratios: a level is entered when any signal
 * reaches its threshold; it is left only when every signal sits below the threshold minus
 * the margin for {@code dwellWindows} closed windows in a row.
 */
public record DegradationPolicy(
    double[] cpu,
    double[] memory,
    double[] errorRate,
    double emergencyErrorRate,
    double resourceMargin,
    double errorRateMargin,
    int dwellWindows) {

    /** Thresholds for LEVEL_1, LEVEL_2, LEVEL_3, in that order. */
    public static final DegradationPolicy DEFAULT = new DegradationPolicy(
        new double[] {0.70, 0.85, 0.95},
        new double[] {0.70, 0.85, 0.95},
        new double[] {0.10, 0.15, 0.20},
        0.50, 0.05, 0.02, 2);
}
