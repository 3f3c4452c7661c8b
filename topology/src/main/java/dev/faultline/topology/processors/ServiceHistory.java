package dev.faultline.topology.processors;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Records of a service kept by time for queries, for {@code retention}, in a key-value store.
 *
 * <p>Why not a window store: a window store keeps its changelog offset in its segments, so
 * with none (before its first record, or once all expired) it has no offset; under
 * exactly-once Kafka Streams then treats the whole task as corrupted whenever an instance
 * gets the task back, and closing a corrupted task during a rebalance aborts the thread's
 * transaction, losing other tasks' uncommitted output (seen in {@code InstanceChurnIT}). A
 * key-value store records its offset even when empty.
 *
 * <p>Key: 2-byte length and UTF-8 of the service, event time (8 bytes, sign bit flipped so
 * that byte order is time order), then an optional discriminator that tells apart records
 * of one service at one time. A write drops the service's records older than retention;
 * {@link #sweep} drops those of services that no longer write.
 */
public final class ServiceHistory<V> {
    private final KeyValueStore<Bytes, V> store;
    private final long retention;
    private long sweptAt = Long.MIN_VALUE;

    public ServiceHistory(KeyValueStore<Bytes, V> store, Duration retention) {
        this.store = store;
        this.retention = retention.toMillis();
    }

    public void put(String service, long time, String discriminator, V value) {
        store.put(key(service, time, discriminator), value);
        expire(service, time - retention);
        if (sweptAt == Long.MIN_VALUE) {
            sweptAt = time;
        } else if (time - sweptAt >= retention) {
            sweep(time - retention);
            sweptAt = time;
        }
    }

    /** Drops every service's records before {@code cutoff}: one seek per service, not a read of every record. */
    void sweep(long cutoff) {
        Bytes from = null;
        while (true) {
            String service;
            try (KeyValueIterator<Bytes, V> it = store.range(from, null)) {
                if (!it.hasNext()) {
                    return;
                }
                service = serviceOf(it.next().key);
            }
            expire(service, cutoff);
            from = Bytes.increment(prefix(service));
        }
    }

    private void expire(String service, long cutoff) {
        List<Bytes> expired = new ArrayList<>();
        try (KeyValueIterator<Bytes, V> it = store.range(key(service, Long.MIN_VALUE, ""), key(service, cutoff, ""))) {
            it.forEachRemaining(entry -> {
                if (timeOf(entry.key) < cutoff) {
                    expired.add(entry.key);
                }
            });
        }
        expired.forEach(store::delete);
    }

    /** The service's records with time in [from, to], oldest first, at most {@code limit}. */
    public static <V> List<V> fetch(ReadOnlyKeyValueStore<Bytes, V> store, String service, long from, long to, int limit) {
        try (KeyValueIterator<Bytes, V> it = store.range(key(service, from, ""), key(service, to == Long.MAX_VALUE ? to : to + 1, ""))) {
            return inTime(it, from, to, limit);
        }
    }

    /** Every service's records with time in [from, to]. */
    public static <V> List<V> fetchAll(ReadOnlyKeyValueStore<Bytes, V> store, long from, long to) {
        try (KeyValueIterator<Bytes, V> it = store.all()) {
            return inTime(it, from, to, Integer.MAX_VALUE);
        }
    }

    private static <V> List<V> inTime(KeyValueIterator<Bytes, V> it, long from, long to, int limit) {
        List<V> out = new ArrayList<>();
        while (it.hasNext() && out.size() < limit) {
            KeyValue<Bytes, V> entry = it.next();
            long time = timeOf(entry.key);
            if (time >= from && time <= to) {
                out.add(entry.value);
            }
        }
        return out;
    }

    static Bytes key(String service, long time, String discriminator) {
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        byte[] extra = discriminator.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Short.BYTES + name.length + Long.BYTES + extra.length)
            .putShort((short) name.length).put(name).putLong(time ^ Long.MIN_VALUE).put(extra).array());
    }

    private static Bytes prefix(String service) {
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Short.BYTES + name.length).putShort((short) name.length).put(name).array());
    }

    static String serviceOf(Bytes key) {
        ByteBuffer buffer = ByteBuffer.wrap(key.get());
        int length = Short.toUnsignedInt(buffer.getShort());
        return new String(key.get(), Short.BYTES, length, StandardCharsets.UTF_8);
    }

    static long timeOf(Bytes key) {
        ByteBuffer buffer = ByteBuffer.wrap(key.get());
        int length = Short.toUnsignedInt(buffer.getShort());
        return buffer.getLong(Short.BYTES + length) ^ Long.MIN_VALUE;
    }
}
