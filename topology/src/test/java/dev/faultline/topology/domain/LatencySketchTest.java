package dev.faultline.topology.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class LatencySketchTest {

    /** Log-normal latencies with a slow tail: the shape real request latencies have. */
    private static double[] latencies(long seed, int n) {
        Random random = new Random(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            double base = Math.exp(3 + 0.6 * random.nextGaussian());
            values[i] = random.nextDouble() < 0.02 ? base * 40 : base;
        }
        return values;
    }

    private static double exact(double[] sorted, double q) {
        return sorted[(int) Math.ceil(q * sorted.length) - 1];
    }

    @Test
    void shouldAnswerQuantilesWithinOnePercentOfExact() {
        double[] values = latencies(1, 200_000);
        LatencySketch sketch = new LatencySketch();
        for (double v : values) {
            sketch.add(v);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);

        for (double q : new double[] {0.5, 0.95, 0.99, 0.999}) {
            double truth = exact(sorted, q);
            assertThat(sketch.quantile(q)).as("p%s", q * 100).isCloseTo(truth, within(truth * 0.01));
        }
        assertThat(sketch.max()).isEqualTo(sorted[sorted.length - 1]);
        assertThat(sketch.count()).isEqualTo(values.length);
    }

    @Test
    void shouldMergeAsIfAllValuesWentIntoOneSketch() {
        double[] a = latencies(2, 50_000);
        double[] b = latencies(3, 70_000);
        LatencySketch left = new LatencySketch();
        LatencySketch right = new LatencySketch();
        LatencySketch both = new LatencySketch();
        for (double v : a) {
            left.add(v);
            both.add(v);
        }
        for (double v : b) {
            right.add(v);
            both.add(v);
        }
        left.merge(right);

        assertThat(left.count()).isEqualTo(both.count());
        assertThat(left.quantile(0.99)).isEqualTo(both.quantile(0.99));
        assertThat(left.quantile(0.5)).isEqualTo(both.quantile(0.5));
    }

    @Test
    void shouldSurviveSerialization() {
        LatencySketch sketch = new LatencySketch();
        for (double v : latencies(4, 10_000)) {
            sketch.add(v);
        }
        LatencySketch copy = LatencySketch.fromBytes(sketch.toBytes());
        assertThat(copy.count()).isEqualTo(sketch.count());
        assertThat(copy.quantile(0.95)).isEqualTo(sketch.quantile(0.95));
        assertThat(copy.max()).isEqualTo(sketch.max());
        assertThat(new LatencySketch().isEmpty()).isTrue();
        assertThat(LatencySketch.fromBytes(new LatencySketch().toBytes()).isEmpty()).isTrue();
    }
}
