package dev.faultline.topology.domain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;

/**
 * Latency quantiles of one window, mergeable across windows and instances. A DDSketch
 * (Masson et al., VLDB 2019) answers any quantile within {@link #RELATIVE_ACCURACY} of the
 * true value, half the 1 % the fault model asks for. Its buckets are a {@link SparseBinStore}
 * (memory and encoding follow the buckets in use), bounded by {@link #MAX_BINS}: past that,
 * the lowest buckets merge, which costs accuracy only at the fast end, never at p95/p99.
 * The maximum is kept exactly beside the sketch's buckets.
 */
public final class LatencySketch {
    public static final double RELATIVE_ACCURACY = 0.005;
    public static final int MAX_BINS = 2048;
    private static final LogarithmicMapping MAPPING = new LogarithmicMapping(RELATIVE_ACCURACY);
    /** The largest latency a sketch holds (about 1.79e308 ms); validation refuses larger ones. */
    public static final double MAX_MILLIS = MAPPING.maxIndexableValue();

    private final DDSketch sketch;
    private double max = Double.NEGATIVE_INFINITY;

    public LatencySketch() {
        this(new DDSketch(MAPPING, LatencySketch::bins), Double.NEGATIVE_INFINITY);
    }

    private LatencySketch(DDSketch sketch, double max) {
        this.sketch = sketch;
        this.max = max;
    }

    private static SparseBinStore bins() {
        return new SparseBinStore(MAX_BINS);
    }

    /** Records one latency in milliseconds; must be finite and not negative (validated upstream). */
    public void add(double millis) {
        sketch.accept(millis);
        max = Math.max(max, millis);
    }

    /** Loads the bins {@link #add} searches first; the value means nothing. */
    int prefetch() {
        return ((SparseBinStore) sketch.getPositiveValueStore()).prefetch();
    }

    public void merge(LatencySketch other) {
        sketch.mergeWith(other.sketch);
        max = Math.max(max, other.max);
    }

    public long count() {
        return (long) sketch.getCount();
    }

    public boolean isEmpty() {
        return sketch.isEmpty();
    }

    /** The value at quantile {@code q} in [0, 1]; the sketch must not be empty. */
    public double quantile(double q) {
        return sketch.getValueAtQuantile(q);
    }

    /** The exact largest value added; the sketch must not be empty. */
    public double max() {
        return max;
    }

    /** The exact maximum (8 bytes), then DDSketch's own encoding of the buckets. */
    public byte[] toBytes() {
        GrowingByteArrayOutput output = GrowingByteArrayOutput.withDefaultInitialCapacity();
        try {
            output.writeLongLE(Double.doubleToRawLongBits(max));
            sketch.encode(output, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a latency sketch", e);
        }
        return output.trimmedCopy();
    }

    public static LatencySketch fromBytes(byte[] bytes) {
        try {
            double max = Double.longBitsToDouble(ByteBuffer.wrap(bytes, 0, Long.BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
            byte[] rest = Arrays.copyOfRange(bytes, Long.BYTES, bytes.length);
            return new LatencySketch(DDSketch.decode(ByteArrayInput.wrap(rest), LatencySketch::bins, MAPPING), max);
        } catch (IOException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("corrupt latency sketch of " + bytes.length + " bytes", e);
        }
    }
}
