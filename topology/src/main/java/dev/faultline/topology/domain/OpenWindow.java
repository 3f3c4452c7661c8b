package dev.faultline.topology.domain;

import java.time.Instant;

import dev.faultline.schema.internal.WindowAccumulator;

/**
 * One service's open window as it is being filled: the accumulator, its operations' latency
 * sketches decoded and its log counts as counters. A request updates a decoded sketch, a log
 * its counters; they are encoded into the accumulator only when it is {@linkplain #encoded()
 * stored}, which the windows store does once per commit rather than once per signal, or closed.
 */
public final class OpenWindow {
    private final WindowAccumulator accumulator;
    private final ServiceWindow.Operations operations = new ServiceWindow.Operations();
    private final ServiceWindow.LogCounts logCounts;

    /** The window {@code stored}, its sketches decoded as they are used. */
    public OpenWindow(WindowAccumulator stored) {
        this.accumulator = stored;
        this.logCounts = new ServiceWindow.LogCounts(stored);
    }

    public static OpenWindow empty() {
        return new OpenWindow(ServiceWindow.empty());
    }

    /** Adds a signal of event time {@code time} (epoch ms). */
    public OpenWindow add(Object signal, long time) {
        ServiceWindow.add(accumulator, signal, operations, logCounts);
        if (time > accumulator.getLastSeen()) {
            accumulator.setLastSeen(time);
        }
        return this;
    }

    /**
     * Loads the window's own objects and returns a value of no meaning: called for a batch of windows before they are
     * used, so that their cache misses overlap (see {@code OpenWindowStore#ADD_BATCH}).
     */
    public int prefetch() {
        return (int) accumulator.getRequestCount() + operations.size();
    }

    /** Loads what {@link #add} will for {@code signal}, changing nothing, and returns a value of no meaning. */
    public int prefetch(Object signal) {
        return ServiceWindow.prefetch(accumulator, signal, operations, logCounts);
    }

    /** The latest event time of the window's signals (epoch ms), -1 when it has none that says. */
    public long lastSeen() {
        return accumulator.getLastSeen();
    }

    /** The accumulator with every sketch and count encoded into it: what the store keeps. */
    public WindowAccumulator encoded() {
        operations.encodeInto();
        logCounts.encodeInto(accumulator);
        return accumulator;
    }

    /** The last log segment of the windows store whose signals this window's stored snapshot includes (-1: none). */
    public long loggedThrough() {
        return accumulator.getLoggedThrough();
    }

    public void loggedThrough(long sequence) {
        accumulator.setLoggedThrough(sequence);
    }

    public ClosedWindow close(String service, Instant start, Instant end, String version) {
        logCounts.encodeInto(accumulator);
        return ServiceWindow.close(accumulator, operations, service, start, end, version);
    }
}
