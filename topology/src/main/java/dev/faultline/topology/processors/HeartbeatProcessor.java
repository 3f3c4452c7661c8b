package dev.faultline.topology.processors;

import java.time.Instant;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.faultline.schema.internal.Heartbeat;
import dev.faultline.schema.internal.Liveness;
import dev.faultline.topology.Names;
import dev.faultline.topology.SignalAsRead;

/**
 * Any telemetry from a service is a heartbeat: records the latest event time per service,
 * and the task's clock (latest event time and when it was processed), from which the health
 * processor tells live traffic from a replay.
 */
public final class HeartbeatProcessor implements FixedKeyProcessor<String, SignalAsRead, SignalAsRead> {
    /** Reserved key of the task clock; service names cannot contain control characters. */
    public static final String CLOCK_KEY = "\u0000clock";

    private FixedKeyProcessorContext<String, SignalAsRead> context;
    private KeyValueStore<String, Heartbeat> heartbeats;
    /** The task clock as last written: this processor is its only writer, so it is read from the store once per init. */
    private Heartbeat clock;
    private boolean clockRead;

    @Override
    public void init(FixedKeyProcessorContext<String, SignalAsRead> context) {
        this.context = context;
        this.heartbeats = context.getStateStore(Names.SERVICE_HEARTBEATS_STORE);
        this.clock = null;
        this.clockRead = false;
    }

    @Override
    public void process(FixedKeyRecord<String, SignalAsRead> record) {
        Instant time = Instant.ofEpochMilli(record.timestamp());
        Heartbeat previous = heartbeats.get(record.key());
        if (previous == null || time.isAfter(previous.getLastSeen())) {
            heartbeats.put(record.key(), new Heartbeat(time, previous == null ? Liveness.ALIVE : previous.getLiveness(), null));
        }
        if (!clockRead) {
            clock = heartbeats.get(CLOCK_KEY);
            clockRead = true;
        }
        if (clock == null || time.isAfter(clock.getLastSeen())) {
            clock = new Heartbeat(time, Liveness.ALIVE, Instant.ofEpochMilli(context.currentSystemTimeMs()));
            heartbeats.put(CLOCK_KEY, clock);
        }
        context.forward(record);
    }
}
