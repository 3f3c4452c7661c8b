package dev.faultline.topology.processors;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.faultline.schema.internal.Heartbeat;
import dev.faultline.schema.internal.Signal;
import dev.faultline.topology.AnalyzerVersion;
import dev.faultline.topology.Names;
import dev.faultline.topology.domain.ClosedWindow;
import dev.faultline.topology.domain.OpenWindow;
import dev.faultline.topology.errors.InvalidRecordException;

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
 * <p>Stream time is the latest event time this part of the topology has seen: the task clock
 * kept by {@link HeartbeatProcessor}, which is restored with the stores after a restart, so a
 * record is late or not whatever happened to the instance in between.
 *
 * <p>The store is keyed by window start (8 bytes, big-endian) then service, so the closable
 * windows are one range scan from the start of the store, done only when close time crosses
 * a window end.
 *
 * <p>The store keeps open windows as objects and writes them once per commit
 * ({@link dev.faultline.topology.stores.WriteBehindKeyValueStore}); beside it the processor
 * keeps the windows it used last, so a record costs no decoding of the accumulator and its
 * latency sketches either. Being copies of what the store holds, they are dropped whenever
 * the processor is (re)initialised.
 */
public final class ServiceWindowsProcessor implements Processor<String, Signal, String, ClosedWindow> {
    /** Open windows kept decoded per task (a few KiB each): bounded for many services, all of them for a few thousand. */
    static final int MAX_DECODED = 10_000;

    private final long size;
    private final long grace;
    private ProcessorContext<String, ClosedWindow> context;
    private KeyValueStore<Bytes, OpenWindow> windows;
    private KeyValueStore<String, Heartbeat> heartbeats;
    private long streamTime = Long.MIN_VALUE;
    private final Map<Bytes, OpenWindow> decoded = new DecodedCopies<>(MAX_DECODED);
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
        decoded.clear();
        nextClose = Long.MIN_VALUE;
        streamTime = Long.MIN_VALUE;
    }

    @Override
    public void process(Record<String, Signal> record) {
        if (streamTime == Long.MIN_VALUE) {
            streamTime = heartbeats.get(HeartbeatProcessor.CLOCK_KEY).getLastSeen().toEpochMilli();
        }
        streamTime = Math.max(streamTime, record.timestamp());
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
        Bytes key = key(start, record.key());
        OpenWindow window = decoded.get(key);
        if (window == null) {
            OpenWindow stored = windows.get(key);
            window = stored == null ? OpenWindow.empty() : stored;
            decoded.put(key, window);
        }
        windows.put(key, window.add(record.value().getPayload()));
    }

    /** Emits and removes every window that ended at or before {@code closeTime}, oldest first. */
    private void emitClosed(long closeTime) {
        if (closeTime - size < 0) {
            return;
        }
        List<KeyValue<Bytes, OpenWindow>> closed = new ArrayList<>();
        // Keys of windows starting after the last closable start sort at or after this prefix.
        try (KeyValueIterator<Bytes, OpenWindow> range = windows.range(key(0, ""), key(closeTime - size + 1, ""))) {
            range.forEachRemaining(closed::add);
        }
        for (KeyValue<Bytes, OpenWindow> window : closed) {
            ByteBuffer key = ByteBuffer.wrap(window.key.get());
            long start = key.getLong();
            String service = StandardCharsets.UTF_8.decode(key).toString();
            windows.delete(window.key);
            // The copy kept here has its sketches decoded already.
            OpenWindow open = decoded.getOrDefault(window.key, window.value);
            decoded.remove(window.key);
            context.forward(new Record<>(service, open.close(service, Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + size),
                AnalyzerVersion.VERSION), start + size));
        }
    }

    static Bytes key(long windowStart, String service) {
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + name.length).putLong(windowStart).put(name).array());
    }
}
