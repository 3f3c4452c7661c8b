package dev.faultline.topology.stores;

import static dev.faultline.topology.TestEvents.T0;
import static dev.faultline.topology.TestEvents.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import dev.faultline.schema.ClassifiedLog;
import dev.faultline.schema.FaultCategory;
import dev.faultline.schema.FaultKind;
import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.Severity;
import dev.faultline.schema.internal.Signal;
import dev.faultline.serde.SerdeConfig;
import dev.faultline.topology.AnalyzerSerdes;
import dev.faultline.topology.TelemetryTimestampExtractor;
import dev.faultline.topology.domain.ClosedWindow;
import dev.faultline.topology.domain.OpenWindow;

class OpenWindowStoreTest {
    private static final long W1 = T0.toEpochMilli();
    private static final long W2 = W1 + 60_000;
    private final AnalyzerSerdes serdes = new AnalyzerSerdes(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://open-window-store-test"));
    /** What each window should hold once reloaded: the signals written before the last commit, in order. */
    private final Map<String, List<Signal>> committed = new LinkedHashMap<>();

    private OpenWindowStore store() {
        OpenWindowStore store = OpenWindowStore.builder(
            Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("service-windows"), Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled(),
            serdes.windowAccumulators(), serdes.signals(), serdes.loggedSignals()).build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }

    /** A store restored from what {@code from} wrote, as a changelog would restore it. */
    private OpenWindowStore restoredFrom(OpenWindowStore from) {
        OpenWindowStore restored = store();
        stored(from).forEach(entry -> restored.wrapped().put(entry.key, entry.value));
        return restored;
    }

    /** What the store has written to the store beneath. */
    private static List<KeyValue<Bytes, byte[]>> stored(OpenWindowStore store) {
        List<KeyValue<Bytes, byte[]>> stored = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = store.wrapped().all()) {
            all.forEachRemaining(stored::add);
        }
        return stored;
    }

    private void add(OpenWindowStore store, long start, String service, int requests, boolean commit) {
        add(store, start, service, requests, commit, false);
    }

    /** Adds requests to a window; {@code asRead}: with their bytes as a producer wrote them to the requests topic. */
    private void add(OpenWindowStore store, long start, String service, int requests, boolean commit, boolean asRead) {
        for (int i = 0; i < requests; i++) {
            RequestEvent request = request(service, 10 + i * 7, Instant.ofEpochMilli(start + i));
            add(store, start, new Signal(service, request, null), asRead ? serdes.requests().serializer().serialize("requests", request) : null, commit);
        }
    }

    /** Adds a signal of its payload's event time; {@code commit}: expected in its window once restored. */
    private void add(OpenWindowStore store, long start, Signal signal, byte[] bytes, boolean commit) {
        store.add(start, TelemetryTimestampExtractor.eventTime(signal.getPayload()).toEpochMilli(), signal, bytes);
        if (commit) {
            committed.computeIfAbsent(start + "/" + signal.getService(), k -> new ArrayList<>()).add(signal);
        }
    }

    private Map<String, ClosedWindow> expected() {
        Map<String, ClosedWindow> windows = new LinkedHashMap<>();
        committed.forEach((key, signals) -> {
            OpenWindow window = OpenWindow.empty();
            signals.forEach(signal -> window.add(signal.getPayload(), TelemetryTimestampExtractor.eventTime(signal.getPayload()).toEpochMilli()));
            long start = Long.parseLong(key.substring(0, key.indexOf('/')));
            windows.put(key, closed(start, key.substring(key.indexOf('/') + 1), window));
        });
        return windows;
    }

    private static ClosedWindow closed(long start, String service, OpenWindow window) {
        return window.close(service, Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + 60_000), "test");
    }

    private static Map<String, ClosedWindow> removeAll(OpenWindowStore store) {
        Map<String, ClosedWindow> windows = new LinkedHashMap<>();
        for (OpenWindowStore.Closing window : store.removeStartingBy(Long.MAX_VALUE - 1)) {
            windows.put(window.start() + "/" + window.service(), closed(window.start(), window.service(), window.window()));
        }
        return windows;
    }

    @Test
    void shouldRestoreEveryCommittedSignalOnceFromSnapshotsAndLogSegments() {
        OpenWindowStore store = store();
        add(store, W1, "hot", 20, true);
        add(store, W1, "cold-1", 3, true);
        add(store, W1, "cold-2", 1, true);
        add(store, W2, "cold-1", 2, true);
        store.flushCache();
        assertThat(store.wrapped().get(OpenWindowStore.snapshotKey(W1, "hot"))).as("a window with many new signals is written whole").isNotNull();
        assertThat(store.wrapped().get(OpenWindowStore.snapshotKey(W1, "cold-1"))).as("one with few is logged").isNull();

        // After the snapshot, hot's new signals are logged; a later snapshot of cold-1 covers its logged ones.
        add(store, W1, "hot", 5, true);
        add(store, W1, "cold-1", 16, true);
        add(store, W1, "cold-2", 1, true);
        store.flushCache();
        add(store, W1, "hot", 1, false);

        assertThat(removeAll(restoredFrom(store))).isEqualTo(expected());
    }

    @Test
    void shouldRestoreRequestsLoggedAsReadAmongEncodedSignals() {
        OpenWindowStore store = store();
        add(store, W1, "cold-1", 3, true, true);
        add(store, W1, "cold-2", 2, true, false);
        add(store, W1, "hot", 20, true, true);
        add(store, W2, "cold-1", 1, true, true);
        store.flushCache();
        add(store, W1, "cold-1", 4, true, false);
        add(store, W1, "cold-2", 1, true, true);
        store.flushCache();
        add(store, W1, "cold-1", 2, false, true);

        assertThat(removeAll(restoredFrom(store))).isEqualTo(expected());
    }

    @Test
    void shouldRestoreClassifiedLogsLoggedAsWrittenToTheirTopicAmongEncodedOnes() {
        OpenWindowStore store = store();
        addLog(store, W1, "cold-1", 0, true, true);
        add(store, W1, "cold-1", 2, true, true);
        addLog(store, W1, "cold-1", 1, true, false);
        addLog(store, W2, "cold-2", 0, true, true);
        store.flushCache();
        addLog(store, W1, "cold-1", 2, true, true);
        add(store, W1, "cold-1", 1, true, false);
        store.flushCache();
        addLog(store, W2, "cold-2", 1, false, true);

        Map<String, ClosedWindow> restored = removeAll(restoredFrom(store));
        assertThat(restored).isEqualTo(expected());
        assertThat(restored.get(W1 + "/cold-1").stats().getLogsByKind()).containsEntry(FaultKind.CONNECTION_TIMEOUT.name(), 3L);
    }

    /** Adds a classified log; {@code asWritten}: with its bytes as written to the classified-logs topic. */
    private void addLog(OpenWindowStore store, long start, String service, int second, boolean commit, boolean asWritten) {
        ClassifiedLog log = ClassifiedLog.newBuilder().setAnalyzerVersion("test").setEventTime(Instant.ofEpochMilli(start + 1_000L * second))
            .setService(service).setLogSeverity(LogSeverity.ERROR).setCategory(FaultCategory.NETWORK).setKind(FaultKind.CONNECTION_TIMEOUT)
            .setSeverity(Severity.HIGH).setBody("read timed out after " + second + " s").setTemplateId("t" + second).build();
        add(store, start, new Signal(service, log, null), asWritten ? serdes.classifiedLogs().serializer().serialize("classified-logs", log) : null,
            commit);
    }

    @Test
    void shouldSplitTheLogIntoSegmentsOfBoundedSize() {
        OpenWindowStore store = store();
        for (int service = 0; service < 8_000; service++) {
            add(store, W1, "service-" + service, 1, true);
        }
        store.flushCache();

        List<Integer> segmentSizes = stored(store).stream().map(entry -> entry.value.length).toList();
        assertThat(segmentSizes).hasSizeGreaterThan(1).allMatch(size -> size <= OpenWindowStore.SEGMENT_BYTES);
        assertThat(removeAll(restoredFrom(store))).isEqualTo(expected());
    }

    @Test
    void shouldEmitWindowsByStartThenServiceAndDeleteWhatWasStoredForThem() {
        OpenWindowStore store = store();
        add(store, W2, "b", 1, true);
        add(store, W1, "b", 20, true);
        add(store, W1, "a", 1, true);
        store.flushCache();
        add(store, W1, "c", 1, true);

        List<String> closed = store.removeStartingBy(W1).stream().map(w -> w.start() + "/" + w.service()).toList();

        assertThat(closed).containsExactly(W1 + "/a", W1 + "/b", W1 + "/c");
        store.flushCache();
        assertThat(stored(store)).as("only W2's segment is left").hasSize(1);
        assertThat(removeAll(restoredFrom(store))).containsOnlyKeys(W2 + "/b");
    }

    @Test
    void shouldNotWriteAWindowEmittedBeforeTheCommitThatWouldHaveWrittenItWhole() {
        OpenWindowStore store = store();
        add(store, W1, "hot", 20, false);
        add(store, W2, "hot", 20, true);

        store.removeStartingBy(W1);
        store.flushCache();

        assertThat(stored(store)).as("W2's snapshot alone").hasSize(1);
        assertThat(removeAll(restoredFrom(store))).isEqualTo(expected());
    }

    @Test
    void shouldRestoreWhenEachServiceWasLastSeenFromSnapshotsAndLogsBelowWarnInSegments() {
        OpenWindowStore store = store();
        add(store, W1, "hot", 20, true);
        add(store, W1, "quiet", 1, true);
        add(store, W2, "quiet", 2, true, true);
        store.flushCache();
        // After hot's snapshot, a log below WARN: it carries no time of its own but its signal's.
        store.add(W1, W1 + 30_000, new Signal("hot", LogSeverity.INFO, Instant.ofEpochMilli(W1 + 30_000)), null);
        store.flushCache();
        store.add(W2, W2 + 50_000, new Signal("quiet", LogSeverity.DEBUG, Instant.ofEpochMilli(W2 + 50_000)), null);

        assertThat(store.publishLastSeen()).isEqualTo(Map.of("hot", W1 + 30_000, "quiet", W2 + 50_000));
        assertThat(restoredFrom(store).publishLastSeen()).as("the last log was not committed")
            .isEqualTo(Map.of("hot", W1 + 30_000, "quiet", W2 + 1));
    }

    @Test
    void shouldHoldEverySignalInItsWindowWhenItIsReadHoweverManyWereAddedSinceTheLastBatch() {
        OpenWindowStore store = store();
        int services = 3 * OpenWindowStore.ADD_BATCH + 5;
        for (int service = 0; service < services; service++) {
            add(store, W1, "service-" + service, 1 + service % 3, true);
        }
        add(store, W2, "service-0", 1, true);

        Map<String, Long> lastSeen = store.publishLastSeen();
        assertThat(lastSeen).hasSize(services).containsEntry("service-0", W2).containsEntry("service-2", W1 + 2)
            .containsEntry("service-" + (services - 1), W1 + (services - 1) % 3);
        add(store, W2, "service-1", 2, true);
        assertThat(removeAll(store)).as("windows closed between batches").isEqualTo(expected());
    }
}
