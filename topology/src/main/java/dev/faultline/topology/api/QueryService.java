package dev.faultline.topology.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.WindowStats;
import dev.faultline.schema.internal.FaultLifecycleState;
import dev.faultline.schema.internal.Heartbeat;
import dev.faultline.schema.internal.LifecycleState;
import dev.faultline.schema.internal.ServiceHealthState;
import dev.faultline.schema.internal.TemplateRecord;
import dev.faultline.topology.Names;
import dev.faultline.topology.processors.ServiceWindowsProcessor;
import dev.faultline.topology.processors.ServiceHistory;
import dev.faultline.topology.processors.TemplateProcessor;
import dev.faultline.topology.stores.OpenWindowStore;

/**
 * Reads this instance's state stores. List reads cover the partitions this instance is
 * active for (the API server fans out for the rest); key reads use the key's partition, from
 * a standby when asked to, saying how far behind it is.
 */
public final class QueryService {
    private final KafkaStreams streams;

    public QueryService(KafkaStreams streams) {
        this.streams = streams;
    }

    public KeyQueryMetadata metadataFor(String service) {
        KeyQueryMetadata metadata = streams.queryMetadataForKey(Names.SERVICE_HEALTH_STORE, service, Serdes.String().serializer());
        if (metadata == null || metadata == KeyQueryMetadata.NOT_AVAILABLE) {
            throw ApiException.unavailable("the application is rebalancing; no instance owns '" + ApiServer.printable(service) + "' yet");
        }
        return metadata;
    }

    /** Services of the partitions this instance is active for. */
    public ArrayNode localServices() {
        ReadOnlyKeyValueStore<String, Heartbeat> heartbeats = store(Names.SERVICE_HEARTBEATS_STORE, QueryableStoreTypes.keyValueStore(), Optional.empty());
        ReadOnlyKeyValueStore<String, ServiceHealthState> health = store(Names.SERVICE_HEALTH_STORE, QueryableStoreTypes.keyValueStore(), Optional.empty());
        Map<String, Long> seenInOpenWindows = store(Names.SERVICE_WINDOWS_STORE, OpenWindowStore.LAST_SEEN, Optional.empty()).all();
        ArrayNode services = AvroJson.MAPPER.createArrayNode();
        try (KeyValueIterator<String, Heartbeat> all = heartbeats.all()) {
            while (all.hasNext()) {
                KeyValue<String, Heartbeat> entry = all.next();
                if (!entry.key.equals(ServiceWindowsProcessor.CLOCK_KEY)) {
                    services.add(summary(entry.key, entry.value, seenInOpenWindows.get(entry.key), health.get(entry.key)));
                }
            }
        }
        return services;
    }

    /** One service, from the active store of its partition, or from a standby when {@code stale}. */
    public ObjectNode service(String service, int partition, boolean stale) {
        Optional<Integer> p = Optional.of(partition);
        ReadOnlyKeyValueStore<String, Heartbeat> heartbeats = store(Names.SERVICE_HEARTBEATS_STORE, QueryableStoreTypes.keyValueStore(), p, stale);
        ReadOnlyKeyValueStore<String, ServiceHealthState> health = store(Names.SERVICE_HEALTH_STORE, QueryableStoreTypes.keyValueStore(), p, stale);
        Heartbeat heartbeat = heartbeats.get(service);
        if (heartbeat == null) {
            throw new ApiException(404, "no telemetry seen from service '" + ApiServer.printable(service)
                + "' as of the latest liveness check");
        }
        ServiceHealthState state = health.get(service);
        ObjectNode node = summary(service, heartbeat, store(Names.SERVICE_WINDOWS_STORE, OpenWindowStore.LAST_SEEN, p, stale).of(service), state);
        ArrayNode faults = node.putArray("faults");
        if (state != null) {
            active(state).forEach(f -> faults.add(fault(state.getService(), f)));
            node.set("latestWindow", AvroJson.of(state.getLastSignals()));
        }
        return node;
    }

    public ArrayNode windows(String service, int partition, boolean stale, Instant from, Instant to, int limit) {
        ReadOnlyKeyValueStore<Bytes, WindowStats> history = store(Names.WINDOW_HISTORY_STORE, QueryableStoreTypes.keyValueStore(),
            Optional.of(partition), stale);
        ArrayNode out = AvroJson.MAPPER.createArrayNode();
        ServiceHistory.fetch(history, service, from.toEpochMilli(), to.toEpochMilli(), limit).forEach(w -> out.add(AvroJson.of(w)));
        return out;
    }

    /**
     * The service's templates most frequent in [from, to], with their text and an example line; last seen is the end of
     * the latest window in the range that counted one (the template's record is written when it changes, not per log).
     */
    public ArrayNode templates(String service, int partition, boolean stale, Instant from, Instant to, int limit) {
        ReadOnlyKeyValueStore<Bytes, WindowStats> history = store(Names.WINDOW_HISTORY_STORE, QueryableStoreTypes.keyValueStore(),
            Optional.of(partition), stale);
        ReadOnlyKeyValueStore<String, TemplateRecord> templates = store(Names.LOG_TEMPLATES_STORE, QueryableStoreTypes.keyValueStore(),
            Optional.of(partition), stale);
        Map<String, Long> counts = new java.util.HashMap<>();
        Map<String, Instant> lastSeen = new java.util.HashMap<>();
        // Oldest first, so each template's last window is the one it is left with.
        ServiceHistory.fetch(history, service, from.toEpochMilli(), to.toEpochMilli(), Integer.MAX_VALUE)
            .forEach(window -> window.getLogsByTemplate().forEach((id, count) -> {
                counts.merge(id, count, Long::sum);
                lastSeen.put(id, window.getWindowEnd());
            }));
        ArrayNode out = AvroJson.MAPPER.createArrayNode();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit).forEach(e -> {
            ObjectNode node = out.addObject();
            node.put("templateId", e.getKey());
            node.put("count", e.getValue());
            node.put("lastSeen", lastSeen.get(e.getKey()).toString());
            TemplateRecord record = templates.get(TemplateProcessor.key(service, e.getKey()));
            if (record != null) {
                node.put("template", String.join(" ", record.getTokens()));
                node.put("example", record.getExample());
                node.put("firstSeen", record.getFirstSeen().toString());
            }
        });
        return out;
    }

    /** Firing faults of the services this instance is active for. */
    public ArrayNode activeFaults(Predicate<ObjectNode> filter, int limit) {
        ArrayNode out = AvroJson.MAPPER.createArrayNode();
        ReadOnlyKeyValueStore<String, ServiceHealthState> health = store(Names.SERVICE_HEALTH_STORE, QueryableStoreTypes.keyValueStore(), Optional.empty());
        try (KeyValueIterator<String, ServiceHealthState> all = health.all()) {
            while (all.hasNext() && out.size() < limit) {
                ServiceHealthState state = all.next().value;
                for (FaultLifecycleState f : active(state)) {
                    ObjectNode node = fault(state.getService(), f);
                    if (filter.test(node) && out.size() < limit) {
                        out.add(node);
                    }
                }
            }
        }
        return out;
    }

    /** Fault events in [from, to], newest first, of the services this instance is active for. */
    public ArrayNode faultEvents(Instant from, Instant to, Predicate<FaultEvent> filter, int limit) {
        ReadOnlyKeyValueStore<Bytes, FaultEvent> history = store(Names.FAULT_HISTORY_STORE, QueryableStoreTypes.keyValueStore(), Optional.empty());
        List<FaultEvent> events = ServiceHistory.fetchAll(history, from.toEpochMilli(), to.toEpochMilli())
            .stream().filter(filter).toList();
        ArrayNode out = AvroJson.MAPPER.createArrayNode();
        events.stream().sorted(Comparator.comparing(FaultEvent::getEventTime).reversed()).limit(limit).forEach(e -> out.add(AvroJson.of(e)));
        return out;
    }

    /** How many offsets behind the changelog a local copy of the partition is, if known. */
    public Optional<Long> lag(String store, int partition) {
        Map<String, Map<Integer, LagInfo>> lags = streams.allLocalStorePartitionLags();
        return Optional.ofNullable(lags.get(store)).map(m -> m.get(partition)).map(LagInfo::offsetLag);
    }

    private static List<FaultLifecycleState> active(ServiceHealthState state) {
        return state.getFaults().stream().filter(f -> f.getState() == LifecycleState.FIRING).toList();
    }

    private static ObjectNode fault(String service, FaultLifecycleState f) {
        ObjectNode node = AvroJson.MAPPER.createObjectNode();
        node.put("service", service);
        node.put("faultId", f.getFaultId());
        node.put("kind", f.getKind().name());
        node.put("category", dev.faultline.topology.domain.FaultTaxonomy.categoryOf(f.getKind()).name());
        node.put("severity", f.getEmittedSeverity() == null ? null : f.getEmittedSeverity().name());
        node.put("openedAt", f.getOpenedAt() == null ? null : f.getOpenedAt().toString());
        node.set("evidence", AvroJson.of(f.getEvidence()));
        return node;
    }

    /**
     * A service's summary; when it was last seen is its heartbeat's time or, if later, {@code seenInOpenWindows} (epoch
     * ms, null: none), both as of the latest liveness check: a check writes a heartbeat only when liveness changes.
     */
    private static ObjectNode summary(String service, Heartbeat heartbeat, Long seenInOpenWindows, ServiceHealthState state) {
        ObjectNode node = AvroJson.MAPPER.createObjectNode();
        node.put("service", service);
        node.put("level", state == null ? "NONE" : state.getLevel().name());
        node.put("liveness", heartbeat.getLiveness().name());
        boolean seenLater = seenInOpenWindows != null && ServiceWindowsProcessor.seenLater(heartbeat, seenInOpenWindows);
        node.put("lastSeen", (seenLater ? Instant.ofEpochMilli(seenInOpenWindows) : heartbeat.getLastSeen()).toString());
        node.put("activeFaults", state == null ? 0 : active(state).size());
        String worst = state == null ? null : active(state).stream().map(FaultLifecycleState::getEmittedSeverity)
            .filter(s -> s != null).sorted().map(Enum::name).findFirst().orElse(null);
        node.put("worstSeverity", worst);
        return node;
    }

    private <T> T store(String name, QueryableStoreType<T> type, Optional<Integer> partition) {
        return store(name, type, partition, false);
    }

    private <T> T store(String name, QueryableStoreType<T> type, Optional<Integer> partition, boolean stale) {
        StoreQueryParameters<T> parameters = StoreQueryParameters.fromNameAndType(name, type);
        if (partition.isPresent()) {
            parameters = parameters.withPartition(partition.get());
        }
        if (stale) {
            parameters = parameters.enableStaleStores();
        }
        try {
            return streams.store(parameters);
        } catch (InvalidStateStoreException e) {
            throw ApiException.unavailable("store " + name + " is not queryable here right now (" + streams.state() + "): " + e.getMessage());
        }
    }
}
