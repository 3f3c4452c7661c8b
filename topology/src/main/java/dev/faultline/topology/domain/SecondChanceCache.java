package dev.faultline.topology.domain;

import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * A map of at most {@code capacity} entries (which may change between insertions) that evicts
 * about the least recently used: the second-chance (CLOCK) approximation of LRU. A read marks
 * its entry; eviction takes the oldest inserted, except that a marked one loses its mark and
 * goes to the newest end instead.
 *
 * <p>Why not a {@link LinkedHashMap} in access order: it relinks the entry read, and its
 * neighbours, at every read. With 100,000 services those entries are long-lived and spread over
 * the heap, and each relink wrote references into several of them, which the G1 collector's
 * refinement threads must then scan. Marking writes a boolean. With the open windows' log
 * counters ({@code ServiceWindow.LogCounts}), refinement went from 0.19 to 0.11 of the
 * analyzer's 1.7 cores in the 100,000-service load benchmark.
 */
public final class SecondChanceCache<K, V> {
    private static final class Slot<V> {
        final V value;
        boolean used;

        Slot(V value) {
            this.value = value;
        }
    }

    private final LinkedHashMap<K, Slot<V>> slots = new LinkedHashMap<>();
    private final IntSupplier capacity;
    private final Consumer<V> onEvicted;

    /** {@code onEvicted} hears of every value evicted; a capacity below 1 keeps 1. */
    public SecondChanceCache(IntSupplier capacity, Consumer<V> onEvicted) {
        this.capacity = capacity;
        this.onEvicted = onEvicted;
    }

    /** The value of {@code key}, marked as used, or null. */
    public V get(K key) {
        Slot<V> slot = slots.get(key);
        if (slot == null) {
            return null;
        }
        slot.used = true;
        return slot.value;
    }

    /** The value of {@code key}, marked as used, or else {@code load}'s, inserted. */
    public V computeIfAbsent(K key, Function<? super K, ? extends V> load) {
        V value = get(key);
        if (value == null) {
            value = load.apply(key);
            put(key, value);
        }
        return value;
    }

    /**
     * Inserts {@code value} as the newest entry (replacing one of the same key), after evicting down to one below
     * the capacity, so that the new entry is never the one evicted.
     */
    public void put(K key, V value) {
        slots.remove(key);
        int keep = Math.max(1, capacity.getAsInt()) - 1;
        while (slots.size() > keep) {
            Iterator<Map.Entry<K, Slot<V>>> oldest = slots.entrySet().iterator();
            Map.Entry<K, Slot<V>> entry = oldest.next();
            oldest.remove();
            if (entry.getValue().used) {
                entry.getValue().used = false;
                slots.put(entry.getKey(), entry.getValue());
            } else {
                onEvicted.accept(entry.getValue().value);
            }
        }
        slots.put(key, new Slot<>(value));
    }

    public int size() {
        return slots.size();
    }

    public Set<K> keySet() {
        return Collections.unmodifiableSet(slots.keySet());
    }

    /** The values, oldest inserted first; reading them marks none. */
    public Collection<V> values() {
        return slots.values().stream().map(slot -> slot.value).toList();
    }

    public void clear() {
        slots.clear();
    }
}
