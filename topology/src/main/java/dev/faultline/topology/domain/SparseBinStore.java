package dev.faultline.topology.domain;

import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

import com.datadoghq.sketch.ddsketch.encoding.BinEncodingMode;
import com.datadoghq.sketch.ddsketch.encoding.Flag;
import com.datadoghq.sketch.ddsketch.encoding.Output;
import com.datadoghq.sketch.ddsketch.encoding.VarEncodingHelper;
import com.datadoghq.sketch.ddsketch.store.Bin;
import com.datadoghq.sketch.ddsketch.store.BinAcceptor;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;

/**
 * The bins of a DDSketch as two sorted arrays while there are few, then the library's dense
 * store: memory and encoding follow the non-empty bins until a dense array is the better deal.
 *
 * <p>Why: an open window holds a few dozen latencies per operation over hundreds of bins, and
 * a dense store keeps and encodes the whole index range between its lowest and highest bin
 * (3 KiB per operation for latencies between 5 and 205 ms). Every commit encodes each changed
 * window's sketches: with 100,000 services that encoding was a tenth of the analyzer's stream
 * thread. Past {@link #SPARSE_LIMIT} bins a lookup in the sorted arrays and the inserts cost
 * more than the dense store's array index, so the bins move there.
 *
 * <p>Bounded as the dense {@code CollapsingLowestDenseStore} is: bins span at most
 * {@code maxBins} indices below the highest; a lower value counts in the lowest bin kept, so
 * only the fast end loses accuracy. Encoded as the library encodes its sparse store (index
 * deltas and counts), so any DDSketch store decodes it, and it decodes any of them.
 */
public final class SparseBinStore implements Store {
    static final int SPARSE_LIMIT = 64;
    /** Shared by every store without sparse bins (new, or dense): arrays are copied before they grow. */
    private static final int[] NO_INDEXES = new int[0];
    private static final double[] NO_COUNTS = new double[0];

    private final int maxBins;
    /** Once there were more than {@link #SPARSE_LIMIT} bins: all of them, and the arrays below are unused. */
    private CollapsingLowestDenseStore dense;
    private int[] indexes = NO_INDEXES;
    private double[] counts = NO_COUNTS;
    private int size;
    /** Once bins were collapsed, the lowest index kept: lower ones count there. */
    private int floor = Integer.MIN_VALUE;

    public SparseBinStore(int maxBins) {
        if (maxBins < 1) {
            throw new IllegalArgumentException("maxBins must be at least 1, was " + maxBins);
        }
        this.maxBins = maxBins;
    }

    private SparseBinStore(SparseBinStore other) {
        this.maxBins = other.maxBins;
        this.dense = other.dense == null ? null : (CollapsingLowestDenseStore) other.dense.copy();
        this.indexes = Arrays.copyOf(other.indexes, other.size);
        this.counts = Arrays.copyOf(other.counts, other.size);
        this.size = other.size;
        this.floor = other.floor;
    }

    /** Loads the sparse bins where {@link #add} starts its search; the value means nothing. */
    int prefetch() {
        return dense != null || size == 0 ? 0 : indexes[(size - 1) >>> 1] + counts.length;
    }

    @Override
    public void add(int index, double count) {
        if (count < 0) {
            throw new IllegalArgumentException("The count cannot be negative.");
        }
        if (count == 0) {
            return;
        }
        if (dense != null) {
            dense.add(index, count);
            return;
        }
        int target = Math.max(index, floor);
        int at = Arrays.binarySearch(indexes, 0, size, target);
        if (at >= 0) {
            counts[at] += count;
            return;
        }
        insert(-at - 1, target, count);
        long lowest = (long) indexes[size - 1] - maxBins + 1;
        if (indexes[0] < lowest) {
            collapseBelow((int) lowest);
        }
        if (size > SPARSE_LIMIT) {
            toDense();
        }
    }

    private void toDense() {
        CollapsingLowestDenseStore all = new CollapsingLowestDenseStore(maxBins);
        forEach(all::add);
        dense = all;
        indexes = NO_INDEXES;
        counts = NO_COUNTS;
        size = 0;
    }

    private void insert(int at, int index, double count) {
        if (size == indexes.length) {
            int length = Math.max(8, size * 2);
            indexes = Arrays.copyOf(indexes, length);
            counts = Arrays.copyOf(counts, length);
        }
        System.arraycopy(indexes, at, indexes, at + 1, size - at);
        System.arraycopy(counts, at, counts, at + 1, size - at);
        indexes[at] = index;
        counts[at] = count;
        size++;
    }

    /** Moves the counts of every bin below {@code lowest} into the bin at {@code lowest}. */
    private void collapseBelow(int lowest) {
        int below = 0;
        double collapsed = 0;
        while (below < size && indexes[below] < lowest) {
            collapsed += counts[below++];
        }
        boolean present = below < size && indexes[below] == lowest;
        int removed = present ? below : below - 1;
        System.arraycopy(indexes, below, indexes, below - removed, size - below);
        System.arraycopy(counts, below, counts, below - removed, size - below);
        size -= removed;
        if (present) {
            counts[0] += collapsed;
        } else {
            indexes[0] = lowest;
            counts[0] = collapsed;
        }
        floor = lowest;
    }

    @Override
    public Store copy() {
        return new SparseBinStore(this);
    }

    @Override
    public void clear() {
        dense = null;
        size = 0;
        floor = Integer.MIN_VALUE;
    }

    @Override
    public boolean isEmpty() {
        return dense == null ? size == 0 : dense.isEmpty();
    }

    @Override
    public double getTotalCount() {
        if (dense != null) {
            return dense.getTotalCount();
        }
        double total = 0;
        for (int i = 0; i < size; i++) {
            total += counts[i];
        }
        return total;
    }

    @Override
    public int getMinIndex() {
        return dense != null ? dense.getMinIndex() : sparseIndex(0);
    }

    @Override
    public int getMaxIndex() {
        return dense != null ? dense.getMaxIndex() : sparseIndex(size - 1);
    }

    private int sparseIndex(int at) {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        return indexes[at];
    }

    @Override
    public void forEach(BinAcceptor acceptor) {
        if (dense != null) {
            dense.forEach(acceptor);
            return;
        }
        for (int i = 0; i < size; i++) {
            acceptor.accept(indexes[i], counts[i]);
        }
    }

    @Override
    public void mergeWith(Store other) {
        Store source = other instanceof SparseBinStore bins && bins.dense != null ? bins.dense : other;
        if (dense == null && !(source instanceof SparseBinStore)) {
            toDense(); // many bins, most likely: the dense store merges them array to array
        }
        if (dense != null) {
            dense.mergeWith(source);
        } else {
            source.forEach(this::add);
        }
    }

    @Override
    public Iterator<Bin> getAscendingIterator() {
        return dense != null ? dense.getAscendingIterator() : new Bins(0, 1);
    }

    @Override
    public Iterator<Bin> getDescendingIterator() {
        return dense != null ? dense.getDescendingIterator() : new Bins(size - 1, -1);
    }

    @Override
    public void encode(Output output, Flag.Type storeFlagType) throws IOException {
        if (dense != null) {
            dense.encode(output, storeFlagType);
            return;
        }
        if (size == 0) {
            return;
        }
        BinEncodingMode.INDEX_DELTAS_AND_COUNTS.toFlag(storeFlagType).encode(output);
        VarEncodingHelper.encodeUnsignedVarLong(output, size);
        long previous = 0;
        for (int i = 0; i < size; i++) {
            VarEncodingHelper.encodeSignedVarLong(output, indexes[i] - previous);
            VarEncodingHelper.encodeVarDouble(output, counts[i]);
            previous = indexes[i];
        }
    }

    private final class Bins implements Iterator<Bin> {
        private int next;
        private final int step;

        Bins(int first, int step) {
            this.next = first;
            this.step = step;
        }

        @Override
        public boolean hasNext() {
            return next >= 0 && next < size;
        }

        @Override
        public Bin next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Bin bin = new Bin(indexes[next], counts[next]);
            next += step;
            return bin;
        }
    }
}
