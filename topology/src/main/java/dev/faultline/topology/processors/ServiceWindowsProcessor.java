package dev.faultline.topology.processors;

import java.time.Duration;
import java.time.Instant;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.faultline.schema.internal.Heartbeat;
import dev.faultline.schema.internal.Liveness;
import dev.faultline.topology.AnalyzerVersion;
import dev.faultline.topology.Names;
import dev.faultline.topology.SignalAsRead;
import dev.faultline.topology.domain.ClosedWindow;
import dev.faultline.topology.errors.InvalidRecordException;
import dev.faultline.topology.stores.OpenWindowStore;

/**
 * Tumbling event-time windows per service, each emitted once when the task's stream time
 * passes its end plus grace (fault-model.md section 4).
 *
 * <p>Why not the DSL's {@code windowedBy(...).emitStrategy(onWindowClose())}: it looks for
 * closable windows at most once a second of wall-clock time, and its store forgets a window
 * once a window starting more than size + grace later has been written. When stream time
 * moves faster than that (catching up, a replay, a lull in a partition's traffic) windows
 * were never emitted. Here closing depends on stream time only, so the same input always
 * gives the same windows, and a window leaves the store only by being emitted. A record for
 * a window already emitted goes to the dead-letter topic, like any record that cannot be used.
 *
 * <p>Stream time is the latest event time this part of the topology has seen: the task clock,
 * kept in the heartbeats store under {@link #CLOCK_KEY} with the wall-clock time of the record
 * that moved it (from which the health processor tells live traffic from a replay). It is
 * restored with the stores after a restart, so a record is late or not whatever happened to
 * the instance in between.
 *
 * <p>The task's open windows are in memory, written at each commit as snapshots or as a log
 * of their records ({@link OpenWindowStore}); closable windows are looked for only when close
 * time crosses a window end. When a service was last seen is its open windows' latest event
 * time: it is written to its heartbeat when a window closes and when a liveness check
 * ({@link HealthProcessor}) first sees the service or changes its liveness, not per record.
 * With many services nearly every record was the only one of its service in a commit, and its
 * heartbeat a changelog record of its own.
 */
public final class ServiceWindowsProcessor implements Processor<String, SignalAsRead, String, ClosedWindow> {
    /** Reserved heartbeats key of the task clock; service names cannot contain control characters. */
    public static final String CLOCK_KEY = "\u0000clock";
    private final long size;
    private final long grace;
    private ProcessorContext<String, ClosedWindow> context;
    private OpenWindowStore windows;
    private KeyValueStore<String, Heartbeat> heartbeats;
    private long streamTime = Long.MIN_VALUE;
    private boolean clockRead;
    /** Close time at or after which another window may be closable; unknown after (re)start. */
    private long nextClose = Long.MIN_VALUE;

    public ServiceWindowsProcessor(Duration size, Duration grace) {
        this.size = size.toMillis();
        this.grace = grace.toMillis();
    }

    @Override
    public void init(ProcessorContext<String, ClosedWindow> context) {
        this.context = context;
        this.windows = context.getStateStore(Names.SERVICE_WINDOWS_STORE);
        this.heartbeats = context.getStateStore(Names.SERVICE_HEARTBEATS_STORE);
        nextClose = Long.MIN_VALUE;
        streamTime = Long.MIN_VALUE;
        clockRead = false;
    }

    @Override
    public void process(Record<String, SignalAsRead> record) {
        if (!clockRead) {
            Heartbeat clock = heartbeats.get(CLOCK_KEY);
            streamTime = clock == null ? Long.MIN_VALUE : clock.getLastSeen().toEpochMilli();
            clockRead = true;
        }
        if (record.timestamp() > streamTime) {
            streamTime = record.timestamp();
            heartbeats.put(CLOCK_KEY, new Heartbeat(Instant.ofEpochMilli(streamTime), Liveness.ALIVE,
                Instant.ofEpochMilli(context.currentSystemTimeMs())));
        }
        long closeTime = streamTime - grace;
        if (closeTime >= nextClose) {
            emitClosed(closeTime);
            nextClose = closeTime - Math.floorMod(closeTime, size) + size;
        }
        long start = record.timestamp() - Math.floorMod(record.timestamp(), size);
        if (start + size <= closeTime) {
            // Its window has been emitted: counting it now would change a published result.
            throw new InvalidRecordException("late: event time " + Instant.ofEpochMilli(record.timestamp()) + " is in the window ["
                + Instant.ofEpochMilli(start) + ", " + Instant.ofEpochMilli(start + size) + "), emitted when stream time passed "
                + Instant.ofEpochMilli(start + size + grace));
        }
        windows.add(start, record.timestamp(), record.value().signal(), record.value().asRead());
    }

    /** Emits and removes every window that ended at or before {@code closeTime}, oldest first. */
    private void emitClosed(long closeTime) {
        if (closeTime - size < 0) {
            return;
        }
        for (OpenWindowStore.Closing window : windows.removeStartingBy(closeTime - size)) {
            keepLastSeen(window.service(), window.window().lastSeen());
            context.forward(new Record<>(window.service(), window.window().close(window.service(), Instant.ofEpochMilli(window.start()),
                Instant.ofEpochMilli(window.start() + size), AnalyzerVersion.VERSION), window.start() + size));
        }
    }

    /** Writes {@code lastSeen} to the service's heartbeat if later than the one there. */
    private void keepLastSeen(String service, long lastSeen) {
        Heartbeat heartbeat = heartbeats.get(service);
        if (seenLater(heartbeat, lastSeen)) {
            heartbeats.put(service, seenAt(heartbeat, lastSeen));
        }
    }

    /** Whether {@code lastSeen} (epoch ms, -1: unknown) is later than {@code heartbeat}'s, or it has none. */
    public static boolean seenLater(Heartbeat heartbeat, long lastSeen) {
        return lastSeen >= 0 && (heartbeat == null || lastSeen > heartbeat.getLastSeen().toEpochMilli());
    }

    /** {@code heartbeat} (null: none yet) last seen at {@code lastSeen}; a new service is alive. */
    static Heartbeat seenAt(Heartbeat heartbeat, long lastSeen) {
        return new Heartbeat(Instant.ofEpochMilli(lastSeen), heartbeat == null ? Liveness.ALIVE : heartbeat.getLiveness(), null);
    }
}
