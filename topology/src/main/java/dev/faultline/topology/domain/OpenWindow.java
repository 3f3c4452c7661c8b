package dev.faultline.topology.domain;

import java.time.Instant;

import dev.faultline.schema.internal.WindowAccumulator;

/**
 * One service's open window as it is being filled: the accumulator, and its operations'
 * latency sketches decoded. A request updates a decoded sketch; the sketches are encoded
 * into the accumulator only when it is {@linkplain #encoded() stored}, which the windows
 * store does once per commit rather than once per request.
 */
public final class OpenWindow {
    private final WindowAccumulator accumulator;
    private final ServiceWindow.Sketches sketches = new ServiceWindow.Sketches();

    /** The window {@code stored}, its sketches decoded as they are used. */
    public OpenWindow(WindowAccumulator stored) {
        this.accumulator = stored;
    }

    public static OpenWindow empty() {
        return new OpenWindow(ServiceWindow.empty());
    }

    /** Adds a signal of event time {@code time} (epoch ms). */
    public OpenWindow add(Object signal, long time) {
        ServiceWindow.add(accumulator, signal, sketches);
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
        return accumulator.getOperations().size() + sketches.size();
    }

    /** Loads what {@link #add} will for {@code signal}, changing nothing, and returns a value of no meaning. */
    public int prefetch(Object signal) {
        return ServiceWindow.prefetch(accumulator, signal, sketches);
    }

    /** The latest event time of the window's signals (epoch ms), -1 when it has none that says. */
    public long lastSeen() {
        return accumulator.getLastSeen();
    }

    /** The accumulator with every sketch encoded into it: what the store keeps. */
    public WindowAccumulator encoded() {
        sketches.encodeInto(accumulator);
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
        return ServiceWindow.close(accumulator, sketches, service, start, end, version);
    }
}
