package dev.faultline.topology.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.Bin;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;

class SparseBinStoreTest {
    private static final LogarithmicMapping MAPPING = new LogarithmicMapping(LatencySketch.RELATIVE_ACCURACY);
    private static final double[] QUANTILES = {0, 0.01, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999, 1};

    private static DDSketch sparse(int maxBins) {
        return new DDSketch(MAPPING, () -> new SparseBinStore(maxBins));
    }

    private static DDSketch dense(int maxBins) {
        return new DDSketch(MAPPING, () -> new CollapsingLowestDenseStore(maxBins));
    }

    private static List<Bin> bins(Store store) {
        List<Bin> bins = new ArrayList<>();
        store.getAscendingIterator().forEachRemaining(bins::add);
        return bins;
    }

    private static byte[] encode(DDSketch sketch) throws Exception {
        GrowingByteArrayOutput output = GrowingByteArrayOutput.withDefaultInitialCapacity();
        sketch.encode(output, true);
        return output.trimmedCopy();
    }

    @Test
    void holdsTheSameBinsAndAnswersTheSameQuantilesAsTheLibrarysDenseStore() {
        Random random = new Random(7);
        DDSketch sparse = sparse(LatencySketch.MAX_BINS);
        DDSketch dense = dense(LatencySketch.MAX_BINS);
        for (int i = 0; i < 20_000; i++) {
            double millis = random.nextInt(50) == 0 ? 0 : Math.exp(3 + random.nextGaussian());
            sparse.accept(millis);
            dense.accept(millis);
        }

        assertThat(bins(sparse.getPositiveValueStore())).isEqualTo(bins(dense.getPositiveValueStore()));
        assertThat(sparse.getCount()).isEqualTo(dense.getCount());
        for (double q : QUANTILES) {
            assertThat(sparse.getValueAtQuantile(q)).as("q %s", q).isEqualTo(dense.getValueAtQuantile(q));
        }
    }

    @Test
    void collapsesItsLowestBinsAsTheDenseStoreDoes() {
        Random random = new Random(11);
        DDSketch sparse = sparse(64);
        DDSketch dense = dense(64);
        // Spread over far more than 64 bins, rising and falling, so collapsing happens in both directions.
        for (int i = 0; i < 5_000; i++) {
            double millis = Math.exp(random.nextDouble() * 12 - 2);
            sparse.accept(millis);
            dense.accept(millis);
        }

        Store store = sparse.getPositiveValueStore();
        assertThat(store.getMaxIndex() - store.getMinIndex()).isLessThan(64);
        assertThat(bins(store)).isEqualTo(bins(dense.getPositiveValueStore()));
        assertThat(sparse.getCount()).isEqualTo(5_000);
        assertThat(sparse.getValueAtQuantile(0.99)).isEqualTo(dense.getValueAtQuantile(0.99));
    }

    @Test
    void itsEncodingDecodesIntoAnyStoreAndItDecodesTheDenseStoresEncoding() throws Exception {
        Random random = new Random(3);
        DDSketch sparse = sparse(LatencySketch.MAX_BINS);
        DDSketch dense = dense(LatencySketch.MAX_BINS);
        for (int i = 0; i < 40; i++) {
            double millis = 5 + random.nextDouble() * 200;
            sparse.accept(millis);
            dense.accept(millis);
        }

        byte[] sparseBytes = encode(sparse);
        DDSketch intoDense = DDSketch.decode(ByteArrayInput.wrap(sparseBytes), () -> new CollapsingLowestDenseStore(LatencySketch.MAX_BINS), MAPPING);
        DDSketch intoSparse = DDSketch.decode(ByteArrayInput.wrap(encode(dense)), () -> new SparseBinStore(LatencySketch.MAX_BINS), MAPPING);
        assertThat(bins(intoDense.getPositiveValueStore())).isEqualTo(bins(dense.getPositiveValueStore()));
        assertThat(bins(intoSparse.getPositiveValueStore())).isEqualTo(bins(sparse.getPositiveValueStore()));
        // As compact as the dense store's (which picks the shorter of its encodings): a few bytes per latency.
        assertThat(sparseBytes.length).isLessThanOrEqualTo(encode(dense).length).isLessThan(40 * 3);
    }

    @Test
    void copiesAreIndependentAndEmptyStoresAreEmpty() {
        SparseBinStore store = new SparseBinStore(16);
        store.add(5, 2.0);
        Store copy = store.copy();
        store.add(6, 1.0);
        copy.add(5, 1.0);

        assertThat(bins(store)).containsExactly(new Bin(5, 2.0), new Bin(6, 1.0));
        assertThat(bins(copy)).containsExactly(new Bin(5, 3.0));
        assertThat(store.getTotalCount()).isEqualTo(3.0);
        store.clear();
        assertThat(store.isEmpty()).isTrue();
        assertThatThrownBy(store::getMinIndex).isInstanceOf(java.util.NoSuchElementException.class);
        assertThatThrownBy(() -> store.add(1, -1.0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void walksItsBinsDownwards() {
        SparseBinStore store = new SparseBinStore(16);
        store.add(9, 1.0);
        store.add(3, 1.0);
        store.add(6, 1.0);
        List<Integer> descending = new ArrayList<>();
        store.getDescendingIterator().forEachRemaining(bin -> descending.add(bin.getIndex()));
        assertThat(descending).containsExactly(9, 6, 3);
    }
}
