package dev.faultline.topology.processors;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Decoded copies of a task's most recently used store entries, at most {@code capacity} (which
 * may shrink as the task shares memory with more): a processor keeps them beside its store so
 * a record costs no decoding, and memory does not grow with the number of services. Being
 * copies, they are cleared whenever the processor is (re)initialised, as the store may then
 * hold something else.
 */
final class DecodedCopies<K, V> extends LinkedHashMap<K, V> {
    private final IntSupplier capacity;

    DecodedCopies(IntSupplier capacity) {
        super(1024, 0.75f, true);
        this.capacity = capacity;
    }

    /** Drops the least recently used down to the capacity, more than one when it has shrunk since the last insertion. */
    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        int keep = Math.max(1, capacity.getAsInt());
        for (Iterator<K> oldestFirst = keySet().iterator(); size() > keep; ) {
            oldestFirst.next();
            oldestFirst.remove();
        }
        return false;
    }
}
