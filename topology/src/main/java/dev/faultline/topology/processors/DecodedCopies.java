package dev.faultline.topology.processors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decoded copies of a task's most recently used store entries, at most {@code capacity}: a
 * processor keeps them beside its store so a record costs no decoding, and memory does not
 * grow with the number of services. Being copies, they are cleared whenever the processor is
 * (re)initialised, as the store may then hold something else.
 */
final class DecodedCopies<K, V> extends LinkedHashMap<K, V> {
    private final int capacity;

    DecodedCopies(int capacity) {
        super(1024, 0.75f, true);
        this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
    }
}
