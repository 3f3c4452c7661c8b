package dev.faultline.topology.stores;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store that keeps the values written to it as objects and writes them to the
 * store beneath (serialized, to its changelog and RocksDB) once per commit instead of once
 * per {@code put}.
 *
 * <p>Why: heartbeats change with every record, templates with every log. Kafka Streams' record cache also writes a key
 * once per commit, but it holds bytes, so every {@code put} serializes the value; when open
 * windows were kept this way, those puts took a fifth of the stream thread in the load
 * benchmark's profile ({@link OpenWindowStore} keeps them now).
 *
 * <p>Why a commit covers exactly what was processed: before a task sends a commit's
 * changelog records and commits its input offsets, Kafka Streams flushes the caches of its
 * stores ({@code StreamTask.prepareCommit}, which calls {@code flushCache} on every store
 * that is a {@code CachedStateStore}), and this store writes its pending values there. That
 * hook is internal to Kafka Streams (the version is pinned in the parent pom);
 * {@code WriteBehindKeyValueStoreTest} checks through the test driver that a commit holds
 * every pending write, and the crash and churn tests check it against the broker. A task
 * closed without a commit loses its pending values together with the uncommitted input
 * position, so the input is processed again, as with the record cache.
 *
 * <p>Reads see pending values first, scans included. Pending values are bounded: when more
 * than {@code maxPending} keys are pending, a {@code put} writes them all. Interactive
 * queries (other threads) read pending values too. A scan sorts the pending values it
 * covers when it starts (as a RocksDB iterator, it sees them as they were then): gets and
 * puts, one per record, stay constant-time however many keys are pending, where a sorted
 * map paid a cache miss per level (a fifth of the stream thread with 25,000 keys pending).
 * A store scanned by range once per record or so ({@link Ranges#FREQUENT}) also keeps its
 * pending keys sorted, so a scan visits only the keys it covers: scanning them all took a
 * seventh of the stream thread when the templates store rebuilt a service's tree with 100,000
 * services.
 */
public final class WriteBehindKeyValueStore<K, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V> implements KeyValueStore<K, V> {
    private final Serializer<K> keySerializer;
    private final int maxPending;
    /**
     * By key: the keys' {@code equals} must agree with their serialized form (strings, as here), so a get or put, one
     * per record, serializes nothing. Concurrent for interactive queries, written by the stream thread only.
     */
    private final ConcurrentHashMap<K, V> pending = new ConcurrentHashMap<>();
    /** The pending keys by their serialized form, with {@link Ranges#FREQUENT}; null otherwise. */
    private final NavigableMap<Bytes, K> sortedKeys;

    /** How often the store's users scan it by range, which decides whether its pending keys are kept sorted. */
    public enum Ranges {
        /** Now and then (a periodic scan): a scan sorts the pending keys; a put of a new key costs no ordering. */
        RARE,
        /** About as often as it is written: a put of a new key costs an ordered insert; a scan visits only its keys. */
        FREQUENT
    }

    WriteBehindKeyValueStore(KeyValueStore<K, V> inner, Serializer<K> keySerializer, int maxPending, Ranges ranges) {
        super(inner);
        this.keySerializer = keySerializer;
        this.maxPending = maxPending;
        this.sortedKeys = ranges == Ranges.FREQUENT ? new ConcurrentSkipListMap<>() : null;
    }

    /**
     * A builder wrapping {@code inner}, a key-value store builder that should not cache itself: this store does. Keys
     * equal as objects must serialize alike (strings do): pending values are kept by key.
     */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> inner, Serde<K> keySerde, int maxPending,
                                                                   Ranges ranges) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1, was " + maxPending);
        }
        Serializer<K> keySerializer = keySerde.serializer();
        return new WrappingStoreBuilder<>(inner.withCachingDisabled(),
            store -> new WriteBehindKeyValueStore<>(store, keySerializer, maxPending, ranges));
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        discardPending();
        super.init(context, root);
    }

    @Override
    public V get(K key) {
        V value = pending.get(key);
        return value != null ? value : wrapped().get(key);
    }

    @Override
    public void put(K key, V value) {
        if (value == null) {
            delete(key);
            return;
        }
        if (pending.put(key, value) == null) {
            if (sortedKeys != null) {
                sortedKeys.put(bytes(key), key);
            }
            if (pending.size() > maxPending) {
                writePending();
            }
        }
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V current = get(key);
        if (current == null) {
            put(key, value);
        }
        return current;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        entries.forEach(entry -> put(entry.key, entry.value));
    }

    /** Deletes write through: they are rare here (a closed window, an expired entry). */
    @Override
    public V delete(K key) {
        V removed = pending.remove(key);
        if (removed != null && sortedKeys != null) {
            sortedKeys.remove(bytes(key));
        }
        V stored = wrapped().delete(key);
        return removed != null ? removed : stored;
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        Bytes lower = from == null ? null : bytes(from);
        Bytes upper = to == null ? null : bytes(to);
        if (lower != null && upper != null && lower.compareTo(upper) > 0) {
            return wrapped().range(from, to); // empty, as Kafka Streams' stores answer an inverted range
        }
        return new Merged(wrapped().range(from, to), pendingBetween(lower, upper));
    }

    @Override
    public KeyValueIterator<K, V> all() {
        return new Merged(wrapped().all(), pendingBetween(null, null));
    }

    /** The pending entries from {@code lower} to {@code upper} (inclusive; null: unbounded) in the order of the store beneath. */
    private Iterator<Map.Entry<Bytes, KeyValue<K, V>>> pendingBetween(Bytes lower, Bytes upper) {
        List<Map.Entry<Bytes, KeyValue<K, V>>> entries = new ArrayList<>();
        if (sortedKeys != null) {
            NavigableMap<Bytes, K> keys = lower == null ? sortedKeys : sortedKeys.tailMap(lower, true);
            for (Map.Entry<Bytes, K> key : (upper == null ? keys : keys.headMap(upper, true)).entrySet()) {
                V value = pending.get(key.getValue());
                if (value != null) {
                    entries.add(Map.entry(key.getKey(), KeyValue.pair(key.getValue(), value)));
                }
            }
            return entries.iterator();
        }
        for (Map.Entry<K, V> entry : pending.entrySet()) {
            Bytes key = bytes(entry.getKey());
            if ((lower == null || key.compareTo(lower) >= 0) && (upper == null || key.compareTo(upper) <= 0)) {
                entries.add(Map.entry(key, KeyValue.pair(entry.getKey(), entry.getValue())));
            }
        }
        entries.sort(Map.Entry.comparingByKey());
        return entries.iterator();
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries() + pending.size();
    }

    /** Called by Kafka Streams before each commit of the task. */
    @Override
    public void flushCache() {
        writePending();
        super.flushCache();
    }

    /** Called when the store beneath may have been written around this one (a recycled task): pending values are stale. */
    @Override
    public void clearCache() {
        discardPending();
        super.clearCache();
    }

    @Override
    public void close() {
        discardPending();
        super.close();
    }

    private void writePending() {
        if (pending.isEmpty()) {
            return;
        }
        // Written before they leave the pending map, so a concurrent reader finds each value in one or the other.
        List<KeyValue<K, V>> entries = new ArrayList<>(pending.size());
        pending.forEach((key, value) -> entries.add(KeyValue.pair(key, value)));
        wrapped().putAll(entries);
        discardPending();
    }

    private void discardPending() {
        pending.clear();
        if (sortedKeys != null) {
            sortedKeys.clear();
        }
    }

    private Bytes bytes(K key) {
        return Bytes.wrap(keySerializer.serialize(name(), key));
    }

    /** The store's entries and the pending ones in key order; a pending value replaces a stored one. */
    private final class Merged implements KeyValueIterator<K, V> {
        private final KeyValueIterator<K, V> stored;
        /** With their serialized keys, computed once when the scan started. */
        private final Iterator<Map.Entry<Bytes, KeyValue<K, V>>> pendingEntries;
        private KeyValue<K, V> nextStored;
        private Bytes nextStoredKey;
        private KeyValue<K, V> nextPending;
        private Bytes nextPendingKey;

        Merged(KeyValueIterator<K, V> stored, Iterator<Map.Entry<Bytes, KeyValue<K, V>>> pendingEntries) {
            this.stored = stored;
            this.pendingEntries = pendingEntries;
            advanceStored();
            advancePending();
        }

        @Override
        public boolean hasNext() {
            return nextStored != null || nextPending != null;
        }

        @Override
        public KeyValue<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int order = nextStored == null ? 1 : nextPending == null ? -1 : nextStoredKey.compareTo(nextPendingKey);
            KeyValue<K, V> next;
            if (order < 0) {
                next = nextStored;
                advanceStored();
            } else {
                next = nextPending;
                advancePending();
                if (order == 0) {
                    advanceStored();
                }
            }
            return next;
        }

        @Override
        public K peekNextKey() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return nextStored == null || nextPending != null && nextPendingKey.compareTo(nextStoredKey) <= 0 ? nextPending.key : nextStored.key;
        }

        @Override
        public void close() {
            stored.close();
        }

        private void advanceStored() {
            nextStored = stored.hasNext() ? stored.next() : null;
            nextStoredKey = nextStored == null ? null : bytes(nextStored.key);
        }

        private void advancePending() {
            Map.Entry<Bytes, KeyValue<K, V>> next = pendingEntries.hasNext() ? pendingEntries.next() : null;
            nextPending = next == null ? null : next.getValue();
            nextPendingKey = next == null ? null : next.getKey();
        }
    }
}
