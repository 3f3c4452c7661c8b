package dev.faultline.topology.processors;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.WindowStats;
import dev.faultline.schema.internal.Heartbeat;
import dev.faultline.schema.internal.Liveness;
import dev.faultline.schema.internal.ServiceHealthState;
import dev.faultline.topology.AnalyzerVersion;
import dev.faultline.topology.Names;
import dev.faultline.topology.domain.ClosedWindow;
import dev.faultline.topology.domain.HealthRules;
import dev.faultline.topology.domain.ServiceHealth;
import dev.faultline.topology.stores.OpenWindowStore;

/**
 * Applies the fault rules to each closed window of a service and forwards its statistics,
 * fault events and level changes; checks liveness on a wall-clock schedule.
 *
 * <p>How time advances for liveness: with live traffic (the latest record was processed
 * within {@code replayLag} of its event time) "now" is the wall clock less that small lag,
 * so a service, or all input, going silent is noticed. When the input is old data (a
 * replay, or catching up after downtime), "now" is the latest event time seen, so only a
 * service that falls silent within the replayed data is declared down, and nothing is
 * declared down when the replay ends.
 */
public final class HealthProcessor implements Processor<String, ClosedWindow, String, SpecificRecord> {
    private final java.util.function.Function<String, HealthRules> rulesFor;
    private final Duration checkInterval;
    private final Duration replayLag;
    private final Duration history;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, ServiceHealthState> health;
    private KeyValueStore<String, Heartbeat> heartbeats;
    private OpenWindowStore windows;
    private ServiceHistory<WindowStats> windowHistory;
    private ServiceHistory<FaultEvent> faultHistory;

    public HealthProcessor(java.util.function.Function<String, HealthRules> rulesFor, Duration checkInterval, Duration replayLag,
                           Duration history) {
        this.rulesFor = rulesFor;
        this.checkInterval = checkInterval;
        this.replayLag = replayLag;
        this.history = history;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.health = context.getStateStore(Names.SERVICE_HEALTH_STORE);
        this.heartbeats = context.getStateStore(Names.SERVICE_HEARTBEATS_STORE);
        this.windows = context.getStateStore(Names.SERVICE_WINDOWS_STORE);
        this.windowHistory = new ServiceHistory<>(context.<KeyValueStore<Bytes, WindowStats>>getStateStore(Names.WINDOW_HISTORY_STORE), history);
        this.faultHistory = new ServiceHistory<>(context.<KeyValueStore<Bytes, FaultEvent>>getStateStore(Names.FAULT_HISTORY_STORE), history);
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::checkLiveness);
    }

    @Override
    public void process(Record<String, ClosedWindow> record) {
        ClosedWindow window = record.value();
        long time = window.stats().getWindowEnd().toEpochMilli();
        windowHistory.put(record.key(), window.stats().getWindowStart().toEpochMilli(), "", window.stats());
        context.forward(new Record<>(record.key(), window.stats(), time));
        for (WindowStats operation : window.operations()) {
            context.forward(new Record<>(record.key(), operation, time));
        }
        ServiceHealthState state = stateOf(record.key());
        forward(record.key(), new ServiceHealth(state, rulesFor.apply(record.key()), AnalyzerVersion.VERSION).onWindow(window), time);
        health.put(record.key(), state);
    }

    /**
     * Decides each service's liveness from when it was last seen, in its heartbeat or its open windows, and acts on the
     * changes. A heartbeat is written only when its liveness changes or the service has none yet: the open windows
     * hold later last-seen times durably, and with 100,000 services writing them all at every check cost a changelog
     * record per service and check. The query API reads them from the windows ({@link OpenWindowStore#LAST_SEEN}).
     */
    private void checkLiveness(long wallClock) {
        Heartbeat clock = heartbeats.get(ServiceWindowsProcessor.CLOCK_KEY);
        if (clock == null) {
            return;
        }
        long lag = Math.max(0, clock.getWallTime().toEpochMilli() - clock.getLastSeen().toEpochMilli());
        Instant now = lag > replayLag.toMillis() ? clock.getLastSeen() : Instant.ofEpochMilli(wallClock - lag);
        Map<String, Long> seenInOpenWindows = windows.publishLastSeen();
        Map<String, Long> withoutHeartbeat = new HashMap<>(seenInOpenWindows);
        List<KeyValue<String, Heartbeat>> changed = new ArrayList<>();
        try (KeyValueIterator<String, Heartbeat> all = heartbeats.all()) {
            while (all.hasNext()) {
                KeyValue<String, Heartbeat> entry = all.next();
                if (!entry.key.equals(ServiceWindowsProcessor.CLOCK_KEY)) {
                    Long seen = withoutHeartbeat.remove(entry.key);
                    Heartbeat heartbeat = seen != null && ServiceWindowsProcessor.seenLater(entry.value, seen)
                        ? ServiceWindowsProcessor.seenAt(entry.value, seen) : entry.value;
                    if (livenessAt(now, entry.key, heartbeat) != heartbeat.getLiveness()) {
                        changed.add(KeyValue.pair(entry.key, heartbeat));
                    }
                }
            }
        }
        // Services seen in open windows only get their first heartbeat: alive until now says otherwise.
        withoutHeartbeat.forEach((service, seen) -> changed.add(KeyValue.pair(service, ServiceWindowsProcessor.seenAt(null, seen))));
        for (KeyValue<String, Heartbeat> entry : changed) {
            Heartbeat heartbeat = entry.value;
            if (livenessAt(now, entry.key, heartbeat) != heartbeat.getLiveness()) {
                ServiceHealthState state = stateOf(entry.key);
                forward(entry.key, new ServiceHealth(state, rulesFor.apply(entry.key), AnalyzerVersion.VERSION)
                    .onClock(now, heartbeat.getLastSeen()), now.toEpochMilli());
                health.put(entry.key, state);
                heartbeat = new Heartbeat(heartbeat.getLastSeen(), state.getLiveness(), null);
            }
            heartbeats.put(entry.key, heartbeat);
        }
    }

    private Liveness livenessAt(Instant now, String service, Heartbeat heartbeat) {
        return ServiceHealth.livenessAt(now, heartbeat.getLastSeen(), rulesFor.apply(service).serviceDownTimeout());
    }

    private ServiceHealthState stateOf(String service) {
        ServiceHealthState state = health.get(service);
        return state == null ? ServiceHealth.newState(service) : state;
    }

    private void forward(String service, List<SpecificRecord> outputs, long time) {
        for (SpecificRecord output : outputs) {
            if (output instanceof FaultEvent event) {
                faultHistory.put(service, event.getEventTime().toEpochMilli(), event.getFaultId() + "/" + event.getType(), event);
            }
            context.forward(new Record<>(service, output, time));
        }
    }
}
