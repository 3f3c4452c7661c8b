package dev.faultline.topology.stores;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.ByteUtils;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.StateStoreProvider;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.faultline.schema.internal.Signal;
import dev.faultline.schema.internal.WindowAccumulator;
import dev.faultline.serde.AvroSerde;
import dev.faultline.topology.InputRecord;
import dev.faultline.topology.TelemetryTimestampExtractor;
import dev.faultline.topology.domain.OpenWindow;

/**
 * The open windows of a task, held in memory and made durable at each commit: a window that
 * got many signals since its last write is written whole (a snapshot), the signals of the
 * others are appended to a log, a few large segments per commit.
 *
 * <p>Why: with many services a service has about one record per commit, and writing its whole
 * window each time (a key-value store of windows) wrote kilobytes to RocksDB and the changelog
 * per input record, most of the stream thread's time with 100,000 services. Appending the
 * record writes about a hundred bytes. With few services, a window gets hundreds of records
 * per commit and one snapshot is cheaper than its records.
 *
 * <p>The store beneath (changelogged) holds, for a window starting at {@code start}:
 * <ul>
 * <li>{@code start (8 bytes) | service (UTF-8)}: its snapshot, with
 *     {@link OpenWindow#loggedThrough()} the last segment sequence written before it;</li>
 * <li>{@code start (8 bytes) | 0x00 | sequence (8 bytes)}: a log segment, signals of windows
 *     starting at {@code start}, each a varint length and, in Confluent wire format, the
 *     signal, or what it carries as the bytes that exist already: a request or metric sample
 *     as it was read, a classified log as it was written to its topic (not encoded again).
 *     Service names never start with a 0x00 byte (validation refuses control characters).</li>
 * </ul>
 * A window is its snapshot, if any, plus its service's signals in segments written after it.
 * A commit writes everything added since the last one ({@code flushCache}, the hook
 * {@link WriteBehindKeyValueStore} documents), and so does an add past
 * {@link #MAX_UNWRITTEN_SIGNALS}. Closing windows deletes their snapshots and segments.
 *
 * <p>Kafka Streams initialises a store before restoring it, so the windows in memory are
 * (re)built from the store beneath on first use, which comes after restoration.
 */
public final class OpenWindowStore extends WrappedStateStore<KeyValueStore<Bytes, byte[]>, Bytes, byte[]> {
    /** A window with at least this many signals since its last write is written whole: about its size in signals. */
    static final int SNAPSHOT_AFTER_SIGNALS = 16;
    /** Segments stay well below the changelog producer's 1 MB request limit (a larger single signal is written alone). */
    static final int SEGMENT_BYTES = 256 * 1024;
    /** Signals kept in memory until a commit writes them, per task; a long at-least-once commit interval writes earlier. */
    static final int MAX_UNWRITTEN_SIGNALS = 50_000;
    /** The same bound on their bytes, which a task keeps in one array reused from write to write. */
    static final int MAX_UNWRITTEN_BYTES = 8 * 1024 * 1024;
    /**
     * Signals added to their windows together. With 100,000 services a signal's window and what it holds for the signal
     * (its operation, its latency sketch) are cache misses, each waiting for the one before; a batch loads each level
     * for all its signals before the next, so that their misses overlap. 16 gave most of the gain in a model of the
     * window step (a lookup and a chain of six objects per signal: 590 ns per signal one by one, 300 in batches of 16
     * or 32).
     */
    static final int ADD_BATCH = 16;
    private static final byte SEGMENT_MARKER = 0;
    private static final int WRITTEN_WHOLE = -1;
    private static final Logger LOG = LoggerFactory.getLogger(OpenWindowStore.class);

    private final AvroSerde<WindowAccumulator> windowSerde;
    private final AvroSerde<Signal> signalSerde;
    /** Reads what segments hold: signals, and records logged as read. */
    private final Deserializer<SpecificRecord> loggedSignals;
    /** By window start, then service. */
    private final NavigableMap<Long, WindowTable> open = new TreeMap<>();
    /**
     * Signals added but not yet in their windows, with their window starts, event times, bytes as read and service
     * hashes: {@link #addPending} adds them together. Every method that reads or writes the windows adds them first.
     */
    private final long[] pendingStarts = new long[ADD_BATCH];
    private final long[] pendingTimes = new long[ADD_BATCH];
    private final Signal[] pendingSignals = new Signal[ADD_BATCH];
    private final byte[][] pendingAsRead = new byte[ADD_BATCH][];
    private final int[] pendingHashes = new int[ADD_BATCH];
    private final WindowTable[] pendingTables = new WindowTable[ADD_BATCH];
    private final Entry[] pendingEntries = new Entry[ADD_BATCH];
    private int pending;
    /** What the loads of {@link #addPending}'s early stages read, kept so that the compiler keeps the loads. */
    private long prefetched;
    /**
     * The signals added since the last write, in order, and their windows: a commit visits these, not every open window.
     * A signal is its bytes as read (a request, a metric sample, a classified log), copied into {@link #unwrittenBytes}
     * at {@code unwrittenOffsets[i]}, or else a {@link Signal} to encode. Kept in arrays rather than a list per window:
     * the windows live long, and a new object hung on one by nearly every record made the young collections scan old
     * objects for it (with 100,000 services most of their time). The bytes are copied so that a record's own objects
     * die before the next young collection rather than being copied by it: with an at-least-once commit every second,
     * most records were still held by the next collection, and survivors were most of what the collections copied.
     */
    private Entry[] unwrittenWindows = new Entry[1024];
    private Signal[] unwrittenSignals = new Signal[1024];
    private int[] unwrittenOffsets = new int[1024];
    private int[] unwrittenLengths = new int[1024];
    private int unwritten;
    /** The bytes of the unwritten signals, appended; reused from write to write. */
    private byte[] unwrittenBytes = new byte[64 * 1024];
    private int unwrittenBytesEnd;
    /**
     * The windows among those that got {@link #SNAPSHOT_AFTER_SIGNALS} signals since their last write, noted as they
     * reach it: a write then visits each unwritten signal's window once, not once to find these and once more to reset
     * them (with 100,000 services each visit a cache miss).
     */
    private final List<Entry> snapshotsDue = new ArrayList<>();
    /** The log segments being built, by window start, kept from write to write. */
    private final NavigableMap<Long, LogSegment> segments = new TreeMap<>();
    private long nextSequence;
    private boolean loaded;
    /** The latest {@link #publishLastSeen}, read by query threads. */
    private volatile Map<String, Long> published = Map.of();
    private String snapshotTopic;
    private String signalTopic;

    /** A window about to be emitted. */
    public record Closing(long start, String service, OpenWindow window) {
    }

    static final class Entry {
        final long start;
        final String service;
        /** {@link WindowTable#hash} of the service. */
        final int hash;
        final OpenWindow window;
        /** Signals added since the window was last written; {@link #WRITTEN_WHOLE} while a commit writes its snapshot. */
        int unwritten;

        Entry(long start, String service, OpenWindow window) {
            this(start, service, WindowTable.hash(service), window);
        }

        /** With the service's hash already computed, as an add has it. */
        Entry(long start, String service, int hash, OpenWindow window) {
            this.start = start;
            this.service = service;
            this.hash = hash;
            this.window = window;
        }
    }

    private OpenWindowStore(KeyValueStore<Bytes, byte[]> inner, AvroSerde<WindowAccumulator> windowSerde, AvroSerde<Signal> signalSerde,
                            Deserializer<SpecificRecord> loggedSignals) {
        super(inner);
        this.windowSerde = windowSerde;
        this.signalSerde = signalSerde;
        this.loggedSignals = loggedSignals;
    }

    /**
     * A builder wrapping {@code inner}, a store of bytes that should not cache itself; {@code logged} reads signals and
     * the payloads added with their bytes (requests and metric samples as read, classified logs as written).
     */
    public static StoreBuilder<OpenWindowStore> builder(StoreBuilder<KeyValueStore<Bytes, byte[]>> inner, AvroSerde<WindowAccumulator> windows,
                                                        AvroSerde<Signal> signals, Deserializer<SpecificRecord> logged) {
        return new WrappingStoreBuilder<>(inner.withCachingDisabled(), store -> new OpenWindowStore(store, windows, signals, logged));
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        forget();
        super.init(context, root);
        // The subject of snapshots is the changelog's, as when the windows were a key-value store of windows.
        snapshotTopic = context.applicationId() + "-" + name() + "-changelog";
        signalTopic = snapshotTopic + "-signals";
    }

    /**
     * Adds {@code signal}, of event time {@code time}, to its service's window starting at {@code start}; {@code asRead},
     * if not null, is its payload's bytes (Confluent wire format, see {@link dev.faultline.topology.SignalAsRead}), logged
     * as they are. The signal is in its window by the time anything reads or writes the windows; until then it may wait
     * for a batch ({@link #ADD_BATCH}).
     */
    public void add(long start, long time, Signal signal, byte[] asRead) {
        load();
        pendingStarts[pending] = start;
        pendingTimes[pending] = time;
        pendingSignals[pending] = signal;
        pendingAsRead[pending] = asRead;
        pendingHashes[pending] = WindowTable.hash(signal.getService());
        if (++pending == ADD_BATCH) {
            addPending();
        }
    }

    /**
     * Adds the pending signals to their windows, in the order they came, after loading for all of them in turn their
     * windows' slots, the entries and service names there, the windows, then what each holds for its signal.
     * Adding a validated signal cannot fail; if one does (a corrupt snapshot), it is not logged, the others are still
     * added and the failure is thrown after them.
     */
    private void addPending() {
        long touched = 0;
        for (int i = 0; i < pending; i++) {
            pendingTables[i] = windowsOf(pendingStarts[i]);
            pendingEntries[i] = pendingTables[i].home(pendingHashes[i]);
        }
        for (int i = 0; i < pending; i++) {
            touched += pendingEntries[i] == null ? 0 : pendingEntries[i].service.length();
        }
        for (int i = 0; i < pending; i++) {
            pendingEntries[i] = entryOf(pendingTables[i], pendingStarts[i], pendingSignals[i].getService(), pendingHashes[i]);
            touched += pendingEntries[i].window.prefetch();
        }
        for (int i = 0; i < pending; i++) {
            touched += pendingEntries[i].window.prefetch(pendingSignals[i].getPayload());
        }
        prefetched += touched;
        RuntimeException failure = null;
        for (int i = 0; i < pending; i++) {
            try {
                pendingEntries[i].window.add(pendingSignals[i].getPayload(), pendingTimes[i]);
                keepUnwritten(pendingEntries[i], pendingSignals[i], pendingAsRead[i]);
            } catch (RuntimeException e) {
                failure = failure == null ? new IllegalStateException("cannot add a " + pendingSignals[i].getPayload().getClass().getSimpleName()
                    + " to the window of " + pendingSignals[i].getService() + " starting at " + Instant.ofEpochMilli(pendingStarts[i]), e) : failure;
            }
        }
        forgetPending();
        if (unwritten > MAX_UNWRITTEN_SIGNALS || unwrittenBytesEnd > MAX_UNWRITTEN_BYTES) {
            writeUnwritten();
        }
        if (failure != null) {
            throw failure;
        }
    }

    private WindowTable windowsOf(long start) {
        WindowTable windows = open.get(start);
        if (windows == null) {
            // Sized as the latest start's: a start's windows are about as many as the one before.
            windows = new WindowTable(open.isEmpty() ? 0 : open.lastEntry().getValue().size());
            open.put(start, windows);
        }
        return windows;
    }

    private static Entry entryOf(WindowTable windows, long start, String service, int hash) {
        Entry entry = windows.get(service, hash);
        if (entry == null) {
            entry = new Entry(start, service, hash, OpenWindow.empty());
            windows.add(entry);
        }
        return entry;
    }

    /** Notes {@code signal} as unwritten, by its bytes as read if there are any ({@code asRead} not null). */
    private void keepUnwritten(Entry entry, Signal signal, byte[] asRead) {
        if (++entry.unwritten == SNAPSHOT_AFTER_SIGNALS) {
            snapshotsDue.add(entry);
        }
        if (unwritten == unwrittenWindows.length) {
            unwrittenWindows = Arrays.copyOf(unwrittenWindows, 2 * unwritten);
            unwrittenSignals = Arrays.copyOf(unwrittenSignals, 2 * unwritten);
            unwrittenOffsets = Arrays.copyOf(unwrittenOffsets, 2 * unwritten);
            unwrittenLengths = Arrays.copyOf(unwrittenLengths, 2 * unwritten);
        }
        unwrittenWindows[unwritten] = entry;
        if (asRead == null) {
            unwrittenSignals[unwritten] = signal;
        } else {
            if (unwrittenBytes.length - unwrittenBytesEnd < asRead.length) {
                unwrittenBytes = Arrays.copyOf(unwrittenBytes, Math.max(2 * unwrittenBytes.length, unwrittenBytesEnd + asRead.length));
            }
            System.arraycopy(asRead, 0, unwrittenBytes, unwrittenBytesEnd, asRead.length);
            unwrittenOffsets[unwritten] = unwrittenBytesEnd;
            unwrittenLengths[unwritten] = asRead.length;
            unwrittenBytesEnd += asRead.length;
        }
        unwritten++;
    }

    private void forgetPending() {
        Arrays.fill(pendingSignals, 0, pending, null);
        Arrays.fill(pendingAsRead, 0, pending, null);
        Arrays.fill(pendingTables, 0, pending, null);
        Arrays.fill(pendingEntries, 0, pending, null);
        pending = 0;
    }

    /**
     * The latest event time (epoch ms) of each service's open windows: when it was last seen, unless a window it was
     * seen in has closed since. Published for interactive queries ({@link #LAST_SEEN}) too.
     */
    public Map<String, Long> publishLastSeen() {
        load();
        addPending();
        Map<String, Long> lastSeen = new HashMap<>();
        for (WindowTable windows : open.values()) {
            windows.forEach(entry -> {
                if (entry.window.lastSeen() >= 0) {
                    lastSeen.merge(entry.service, entry.window.lastSeen(), Math::max);
                }
            });
        }
        published = Collections.unmodifiableMap(lastSeen);
        return published;
    }

    /** The stores themselves, as Kafka Streams hands them to {@link #LAST_SEEN}. */
    private static final QueryableStoreType<OpenWindowStore> TASK_STORES = new QueryableStoreType<>() {
        @Override
        public boolean accepts(StateStore store) {
            return store instanceof OpenWindowStore;
        }

        @Override
        public OpenWindowStore create(StateStoreProvider provider, String storeName) {
            throw new UnsupportedOperationException("query " + storeName + " with OpenWindowStore.LAST_SEEN");
        }
    };

    /** Interactive queries of when services were last seen, over the stores of the tasks a query covers. */
    public static final QueryableStoreType<LastSeen> LAST_SEEN = new QueryableStoreType<>() {
        @Override
        public boolean accepts(StateStore store) {
            return TASK_STORES.accepts(store);
        }

        @Override
        public LastSeen create(StateStoreProvider provider, String storeName) {
            return new LastSeen(() -> provider.stores(storeName, TASK_STORES));
        }
    };

    /** When services were last seen in open windows, as of each task's latest liveness check. */
    public static final class LastSeen {
        private final Supplier<List<OpenWindowStore>> stores;

        LastSeen(Supplier<List<OpenWindowStore>> stores) {
            this.stores = stores;
        }

        /** The service's time (epoch ms), or null when no open window has seen it. */
        public Long of(String service) {
            Long latest = null;
            for (OpenWindowStore store : stores.get()) {
                Long seen = store.published.get(service);
                if (seen != null && (latest == null || seen > latest)) {
                    latest = seen;
                }
            }
            return latest;
        }

        /** Every service's time (epoch ms). */
        public Map<String, Long> all() {
            Map<String, Long> all = new HashMap<>();
            stores.get().forEach(store -> store.published.forEach((service, seen) -> all.merge(service, seen, Math::max)));
            return all;
        }
    }

    /** Removes the windows starting at or before {@code lastStart}, stored ones included: by start, then service. */
    public List<Closing> removeStartingBy(long lastStart) {
        load();
        addPending();
        NavigableMap<Long, WindowTable> closed = open.headMap(lastStart, true);
        List<Closing> closing = new ArrayList<>();
        for (WindowTable windows : closed.values()) {
            List<Entry> entries = new ArrayList<>(windows.size());
            windows.forEach(entries::add);
            entries.sort(Comparator.comparing(entry -> entry.service));
            entries.forEach(entry -> closing.add(new Closing(entry.start, entry.service, entry.window)));
        }
        closed.clear();
        segments.headMap(lastStart, true).clear();
        int kept = 0;
        for (int i = 0; i < unwritten; i++) {
            if (unwrittenWindows[i].start > lastStart) {
                unwrittenWindows[kept] = unwrittenWindows[i];
                unwrittenSignals[kept] = unwrittenSignals[i];
                unwrittenOffsets[kept] = unwrittenOffsets[i];
                unwrittenLengths[kept++] = unwrittenLengths[i];
            }
        }
        forgetUnwrittenFrom(kept);
        snapshotsDue.removeIf(entry -> entry.start <= lastStart);
        List<Bytes> stored = new ArrayList<>();
        // Every key of a window starting before lastStart + 1 sorts below that start's 8 bytes alone.
        try (KeyValueIterator<Bytes, byte[]> range = wrapped().range(start(0), start(lastStart + 1))) {
            range.forEachRemaining(entry -> stored.add(entry.key));
        }
        stored.forEach(wrapped()::delete);
        return closing;
    }

    /** Called by Kafka Streams before each commit of the task. */
    @Override
    public void flushCache() {
        addPending();
        writeUnwritten();
        super.flushCache();
    }

    /** Called when the store beneath may have been written around this one (a recycled task). */
    @Override
    public void clearCache() {
        forget();
        super.clearCache();
    }

    @Override
    public void close() {
        forget();
        super.close();
    }

    private void forget() {
        open.clear();
        forgetPending();
        published = Map.of();
        forgetUnwrittenFrom(0);
        snapshotsDue.clear();
        segments.clear();
        nextSequence = 0;
        loaded = false;
    }

    private void forgetUnwrittenFrom(int index) {
        Arrays.fill(unwrittenWindows, index, unwritten, null);
        Arrays.fill(unwrittenSignals, index, unwritten, null);
        unwritten = index;
        if (index == 0) {
            unwrittenBytesEnd = 0;
        }
    }

    private void writeUnwritten() {
        if (unwritten == 0) {
            return;
        }
        // Segments of this write get sequences from here on; windows written whole include every earlier segment.
        long before = nextSequence - 1;
        for (Entry entry : snapshotsDue) {
            entry.window.loggedThrough(before);
            wrapped().put(snapshotKey(entry.start, entry.service), windowSerde.serializer().serialize(snapshotTopic, entry.window.encoded()));
            entry.unwritten = WRITTEN_WHOLE;
        }
        long segmentStart = Long.MIN_VALUE;
        LogSegment segment = null;
        for (int i = 0; i < unwritten; i++) {
            Entry entry = unwrittenWindows[i];
            if (entry.unwritten != WRITTEN_WHOLE) {
                entry.unwritten = 0;
                if (segment == null || entry.start != segmentStart) {
                    segmentStart = entry.start;
                    segment = segments.computeIfAbsent(segmentStart, start -> new LogSegment(SEGMENT_BYTES));
                }
                if (unwrittenSignals[i] == null) {
                    append(segmentStart, segment, unwrittenBytes, unwrittenOffsets[i], unwrittenLengths[i]);
                } else {
                    byte[] encoded = signalSerde.serializer().serialize(signalTopic, unwrittenSignals[i]);
                    append(segmentStart, segment, encoded, 0, encoded.length);
                }
            }
        }
        snapshotsDue.forEach(entry -> entry.unwritten = 0);
        snapshotsDue.clear();
        segments.forEach((start, rest) -> {
            if (!rest.isEmpty()) {
                writeSegment(start, rest);
            }
        });
        forgetUnwrittenFrom(0);
    }

    /** Appends a signal's bytes to the segment of windows starting at {@code start}, writing the segment first if it is full. */
    private void append(long start, LogSegment segment, byte[] source, int offset, int length) {
        if (!segment.fits(length)) {
            writeSegment(start, segment);
        }
        segment.append(source, offset, length);
    }

    private void writeSegment(long start, LogSegment segment) {
        wrapped().put(segmentKey(start, nextSequence++), segment.take());
    }

    /** Rebuilds the windows from the store beneath: snapshots first, then the segments after each. */
    private void load() {
        if (loaded) {
            return;
        }
        prepareSchemas();
        List<Long> startsWithSegments = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = wrapped().all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, byte[]> stored = all.next();
                ByteBuffer key = ByteBuffer.wrap(stored.key.get());
                long start = key.getLong();
                if (key.get(Long.BYTES) == SEGMENT_MARKER) {
                    nextSequence = Math.max(nextSequence, key.getLong(Long.BYTES + 1) + 1);
                    if (startsWithSegments.isEmpty() || startsWithSegments.get(startsWithSegments.size() - 1) != start) {
                        startsWithSegments.add(start);
                    }
                } else {
                    OpenWindow window = new OpenWindow(windowSerde.deserializer().deserialize(snapshotTopic, stored.value));
                    nextSequence = Math.max(nextSequence, window.loggedThrough() + 1);
                    String service = StandardCharsets.UTF_8.decode(key).toString();
                    windowsOf(start).add(new Entry(start, service, window));
                }
            }
        }
        for (long start : startsWithSegments) {
            try (KeyValueIterator<Bytes, byte[]> segments = wrapped().range(segmentKey(start, 0), segmentKey(start, Long.MAX_VALUE))) {
                while (segments.hasNext()) {
                    KeyValue<Bytes, byte[]> segment = segments.next();
                    long sequence = ByteBuffer.wrap(segment.key.get()).getLong(Long.BYTES + 1);
                    ByteBuffer signals = ByteBuffer.wrap(segment.value);
                    while (signals.hasRemaining()) {
                        byte[] bytes = new byte[ByteUtils.readUnsignedVarint(signals)];
                        signals.get(bytes);
                        SpecificRecord logged = loggedSignals.deserialize(signalTopic, bytes);
                        Signal signal = logged instanceof Signal s ? s : new Signal(InputRecord.serviceOf(logged), logged, null);
                        Entry entry = entryOf(windowsOf(start), start, signal.getService(), WindowTable.hash(signal.getService()));
                        if (entry.window.loggedThrough() < sequence) {
                            entry.window.add(signal.getPayload(), eventTime(signal));
                        }
                    }
                }
            }
        }
        loaded = true;
    }

    /** A logged signal's event time: its own, else its payload's; -1 for a log below WARN logged by an earlier version. */
    private static long eventTime(Signal signal) {
        Instant time = signal.getTime() != null ? signal.getTime() : TelemetryTimestampExtractor.eventTime(signal.getPayload());
        return time == null ? -1 : time.toEpochMilli();
    }

    /**
     * Registers both schemas while processing starts, so that a registry outage later does not
     * stop the first snapshot or segment: the registry client caches them. If the registry is
     * unreachable now, the first write tries again (and fails the commit if it still is).
     */
    private void prepareSchemas() {
        try {
            windowSerde.serializer().prepare(snapshotTopic, WindowAccumulator.getClassSchema());
            signalSerde.serializer().prepare(signalTopic, Signal.getClassSchema());
        } catch (SerializationException e) {
            LOG.warn("Cannot register the schemas of store {} now, will try again at its first write: {}", name(), e.getMessage());
        }
    }

    private static Bytes start(long start) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(start).array());
    }

    static Bytes snapshotKey(long start, String service) {
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + name.length).putLong(start).put(name).array());
    }

    private static Bytes segmentKey(long start, long sequence) {
        return Bytes.wrap(ByteBuffer.allocate(2 * Long.BYTES + 1).putLong(start).put(SEGMENT_MARKER).putLong(sequence).array());
    }
}
