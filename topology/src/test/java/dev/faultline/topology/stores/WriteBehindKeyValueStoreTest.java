package dev.faultline.topology.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.faultline.topology.stores.WriteBehindKeyValueStore.Ranges;

class WriteBehindKeyValueStoreTest {
    private KeyValueStore<String, String> store;
    private KeyValueStore<String, String> beneath;

    @BeforeEach
    void setUp() {
        open(Ranges.RARE);
    }

    /** A store of at most 3 pending keys over an in-memory store. */
    private void open(Ranges ranges) {
        store = WriteBehindKeyValueStore.builder(
            Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("s"), Serdes.String(), Serdes.String()).withLoggingDisabled(),
            Serdes.String(), 3, ranges).build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        beneath = beneath(store);
    }

    @SuppressWarnings("unchecked")
    private static KeyValueStore<String, String> beneath(KeyValueStore<String, String> store) {
        return ((WriteBehindKeyValueStore<String, String>) store).wrapped();
    }

    @Test
    void shouldKeepWritesPendingUntilTheCacheIsFlushedAndReadThemMeanwhile() {
        store.put("a", "1");
        store.put("a", "2");

        assertThat(store.get("a")).isEqualTo("2");
        assertThat(beneath.get("a")).isNull();

        ((WriteBehindKeyValueStore<String, String>) store).flushCache();

        assertThat(beneath.get("a")).isEqualTo("2");
        assertThat(store.get("a")).isEqualTo("2");
    }

    @ParameterizedTest
    @EnumSource(Ranges.class)
    void shouldWriteEverythingPendingWhenMoreKeysThanItsBoundArePending(Ranges ranges) {
        open(ranges);
        store.put("a", "1");
        store.put("b", "1");
        store.put("c", "1");
        store.put("a", "2");
        assertThat(beneath.approximateNumEntries()).isZero();

        store.put("d", "1");

        assertThat(List.of(beneath.get("a"), beneath.get("b"), beneath.get("c"), beneath.get("d"))).containsExactly("2", "1", "1", "1");
        store.put("e", "1");
        assertThat(entries(store.range("b", "e"))).containsExactly(
            KeyValue.pair("b", "1"), KeyValue.pair("c", "1"), KeyValue.pair("d", "1"), KeyValue.pair("e", "1"));
    }

    @ParameterizedTest
    @EnumSource(Ranges.class)
    void shouldScanStoredAndPendingEntriesInKeyOrderWithPendingValuesWinning(Ranges ranges) {
        open(ranges);
        beneath.put("a", "stored");
        beneath.put("c", "stored");
        beneath.put("e", "stored");
        store.put("b", "pending");
        store.put("c", "pending");
        store.put("f", "pending");

        assertThat(entries(store.all())).containsExactly(
            KeyValue.pair("a", "stored"), KeyValue.pair("b", "pending"), KeyValue.pair("c", "pending"),
            KeyValue.pair("e", "stored"), KeyValue.pair("f", "pending"));
        assertThat(entries(store.range("b", "e"))).containsExactly(
            KeyValue.pair("b", "pending"), KeyValue.pair("c", "pending"), KeyValue.pair("e", "stored"));
        assertThat(entries(store.range(null, "b"))).containsExactly(KeyValue.pair("a", "stored"), KeyValue.pair("b", "pending"));
        assertThat(entries(store.range("d", null))).containsExactly(KeyValue.pair("e", "stored"), KeyValue.pair("f", "pending"));
        assertThat(entries(store.range("e", "b"))).isEmpty();
        try (KeyValueIterator<String, String> all = store.all()) {
            assertThat(all.peekNextKey()).isEqualTo("a");
            all.next();
            assertThat(all.peekNextKey()).isEqualTo("b");
        }
    }

    @ParameterizedTest
    @EnumSource(Ranges.class)
    void shouldDeleteThroughAndTreatAPutOfNullAsADelete(Ranges ranges) {
        open(ranges);
        beneath.put("a", "stored");
        store.put("a", "pending");
        store.put("b", "pending");

        assertThat(store.delete("a")).isEqualTo("pending");
        store.put("b", null);

        assertThat(store.get("a")).isNull();
        assertThat(beneath.get("a")).isNull();
        assertThat(entries(store.all())).isEmpty();
    }

    @Test
    void shouldPutIfAbsentAgainstPendingAndStoredValues() {
        beneath.put("a", "stored");
        store.put("b", "pending");

        assertThat(store.putIfAbsent("a", "new")).isEqualTo("stored");
        assertThat(store.putIfAbsent("b", "new")).isEqualTo("pending");
        assertThat(store.putIfAbsent("c", "new")).isNull();
        assertThat(store.get("c")).isEqualTo("new");
    }

    @ParameterizedTest
    @EnumSource(Ranges.class)
    void shouldDropPendingWritesWhenClosedWithoutACommit(Ranges ranges) {
        open(ranges);
        store.put("a", "1");
        ((WriteBehindKeyValueStore<String, String>) store).clearCache();
        assertThat(store.get("a")).isNull();
        assertThat(entries(store.all())).isEmpty();
    }

    @Test
    void shouldRefuseKafkaCachingAndABoundBelowOne() {
        var inner = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("s"), Serdes.String(), Serdes.String());
        assertThatThrownBy(() -> WriteBehindKeyValueStore.builder(inner, Serdes.String(), 10, Ranges.RARE).withCachingEnabled())
            .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> WriteBehindKeyValueStore.builder(inner, Serdes.String(), 0, Ranges.RARE))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPending");
    }

    /** Through Kafka Streams' own task commit (the test driver commits after each record): the store beneath holds every write. */
    @Test
    void shouldWriteEveryPendingValueToTheStoreBeneathAtEachCommit(@TempDir java.nio.file.Path stateDir) {
        Topology topology = new Topology();
        topology.addSource("in", new StringDeserializer(), new StringDeserializer(), "input");
        topology.addProcessor("write", () -> new Processor<String, String, Void, Void>() {
            private KeyValueStore<String, String> counts;

            @Override
            public void init(org.apache.kafka.streams.processor.api.ProcessorContext<Void, Void> context) {
                counts = context.getStateStore("counts");
            }

            @Override
            public void process(Record<String, String> record) {
                String count = counts.get(record.key());
                counts.put(record.key(), String.valueOf(count == null ? 1 : Integer.parseInt(count) + 1));
            }
        }, "in");
        topology.addStateStore(WriteBehindKeyValueStore.builder(
            Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("counts"), Serdes.String(), Serdes.String()), Serdes.String(), 100, Ranges.RARE), "write");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "write-behind-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            TestInputTopic<String, String> input = driver.createInputTopic("input", new StringSerializer(), new StringSerializer());
            KeyValueStore<String, String> counts = driver.getKeyValueStore("counts");
            for (String key : List.of("a", "b", "a", "a")) {
                input.pipeInput(key, "x");
            }
            assertThat(beneath(counts).get("a")).isEqualTo("3");
            assertThat(beneath(counts).get("b")).isEqualTo("1");
        }
    }

    private static List<KeyValue<String, String>> entries(KeyValueIterator<String, String> iterator) {
        List<KeyValue<String, String>> entries = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(entries::add);
        }
        return entries;
    }
}
