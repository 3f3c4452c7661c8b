package dev.faultline.topology.stores;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The open windows of one window start, by service: open addressing over one array of
 * entries, each holding its service's hash. Windows of a start are only added, never removed
 * one by one (a start's windows close together).
 *
 * <p>Why not a {@code HashMap}: {@link OpenWindowStore} adds a batch of signals in stages, so
 * that the cache misses of their windows overlap instead of following one another, and its
 * first stage loads each signal's slot ({@link #home}), which a {@code HashMap} does not expose.
 */
final class WindowTable {
    private OpenWindowStore.Entry[] slots;
    private int size;

    /** A table that holds {@code expected} windows without growing. */
    WindowTable(int expected) {
        slots = new OpenWindowStore.Entry[Math.max(16, Integer.highestOneBit(Math.max(1, expected) * 2 - 1) * 2)];
    }

    /** The hash a service's entry keeps: its string hash, its bits spread (services often differ in their last characters only). */
    static int hash(String service) {
        int h = service.hashCode() * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** The entry in the first slot {@code hash} probes, or null: loading it is what a batch does before its lookups. */
    OpenWindowStore.Entry home(int hash) {
        return slots[hash & (slots.length - 1)];
    }

    /** The service's entry, or null. */
    OpenWindowStore.Entry get(String service, int hash) {
        int mask = slots.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            OpenWindowStore.Entry entry = slots[i];
            if (entry == null || entry.hash == hash && entry.service.equals(service)) {
                return entry;
            }
        }
    }

    /** Adds an entry whose service has none here. */
    void add(OpenWindowStore.Entry entry) {
        if (2 * (size + 1) > slots.length) {
            OpenWindowStore.Entry[] old = slots;
            slots = new OpenWindowStore.Entry[2 * old.length];
            Arrays.stream(old).filter(e -> e != null).forEach(this::place);
        }
        place(entry);
        size++;
    }

    private void place(OpenWindowStore.Entry entry) {
        int mask = slots.length - 1;
        int i = entry.hash & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = entry;
    }

    int size() {
        return size;
    }

    void forEach(Consumer<OpenWindowStore.Entry> action) {
        for (OpenWindowStore.Entry entry : slots) {
            if (entry != null) {
                action.accept(entry);
            }
        }
    }
}
