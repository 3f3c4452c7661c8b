package dev.faultline.topology;

import java.time.Instant;
import java.util.Optional;
import java.util.function.BiFunction;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import dev.faultline.schema.ClassifiedLog;
import dev.faultline.schema.DegradationChange;
import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.LogRecord;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.WindowStats;
import dev.faultline.topology.config.AnalyzerConfig;
import dev.faultline.topology.config.InputRouting;
import dev.faultline.topology.domain.Validation;
import dev.faultline.topology.processors.ByServicePartitioner;
import dev.faultline.topology.processors.ClassifyProcessor;
import dev.faultline.topology.processors.HealthProcessor;
import dev.faultline.topology.processors.RulesUpdater;
import dev.faultline.topology.processors.ServiceRouter;
import dev.faultline.topology.processors.ServiceWindowsProcessor;
import dev.faultline.topology.processors.TemplateProcessor;
import dev.faultline.topology.processors.TemplateTreeBudget;
import dev.faultline.topology.processors.ValidateProcessor;
import dev.faultline.topology.stores.OpenWindowStore;
import dev.faultline.topology.stores.WriteBehindKeyValueStore;
import dev.faultline.topology.stores.WriteBehindKeyValueStore.Ranges;

/**
 * The only place the analyzer's topology is built; {@code main} and the tests both use it.
 *
 * <pre>
 * requests ─validate─┐
 * metrics ──validate─┼─merge─▶ key by service ─▶ [signals-by-service] ─▶ classify logs ─▶ templates ─▶ window per service
 * logs ─────validate─┘                                                              └─▶ classified-logs   │ (on close)
 *                                                                                                          ▼
 *                                                    window-stats ◀─ degradation-changes ◀─ fault-events ◀─ health
 * </pre>
 * Invalid input throws in the validate steps; the processing exception handler sends it to
 * the dead-letter topic. How records reach their service's task depends on
 * {@code analyzer.input.keyed-by-service} ({@link dev.faultline.topology.config.InputPartitioning}): by default
 * ({@code auto}) {@link ServiceRouter} keys each record by service where it was read when that is its service's
 * partition, and sends the others, and from then on all of that task's records, the detour through
 * {@code <application.id>-signals-by-service-repartition}, which the same tasks read; with {@code false} every record
 * takes the repartition {@link Names#SIGNALS_BY_SERVICE}; with {@code true} none does, and a record read elsewhere is
 * dead-lettered. The detour and the repartition forward each input record's bytes as they were read
 * ({@link InputRecord}).
 */
public final class AnalyzerTopology {
    private AnalyzerTopology() {
    }

    /**
     * The topology routing input as configured, for input topics of {@code analyzer.topics.partitions} partitions (the
     * topics it creates); {@link dev.faultline.topology.app.TopicProvisioner#routing} checks that against the cluster.
     */
    public static Topology build(AnalyzerConfig config, AnalyzerSerdes serdes) {
        return build(config, serdes, new InputRouting(config.inputPartitioning(), config.topicPartitions()));
    }

    public static Topology build(AnalyzerConfig config, AnalyzerSerdes serdes, InputRouting routing) {
        int partitions = routing.partitions();
        StreamsBuilder builder = new StreamsBuilder();
        Validation validation = new Validation(config.maxFutureSkew());

        builder.addGlobalStore(
            Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Names.CLASSIFICATION_RULES_STORE), Serdes.String(), serdes.rules())
                .withLoggingDisabled(),
            config.topics().rules(),
            Consumed.with(Serdes.String(), serdes.rules()).withName(Names.RULES_SOURCE),
            RulesUpdater::new);

        // Inputs travel as read (decoded, with their bytes) up to the repartition, which forwards the bytes unchanged.
        KStream<byte[], InputRecord> requests = validInputs(builder, config.topics().requests(), serdes.requestsAsRead(),
            Names.REQUESTS_SOURCE, Names.REQUESTS_VALIDATE, (input, now) -> validation.problem((RequestEvent) input.decoded(), now));
        KStream<byte[], InputRecord> metrics = validInputs(builder, config.topics().metrics(), serdes.metricsAsRead(),
            Names.METRICS_SOURCE, Names.METRICS_VALIDATE, (input, now) -> validation.problem((MetricSample) input.decoded(), now));
        KStream<byte[], InputRecord> logs = validInputs(builder, config.topics().logs(), serdes.logsAsRead(),
            Names.LOGS_SOURCE, Names.LOGS_VALIDATE, (input, now) -> validation.problem((LogRecord) input.decoded(), now));

        // Open windows, heartbeats and templates change with every record (a template with every log): kept as objects
        // and written at each commit, the windows as snapshots or as a log of their records, so a record costs no
        // RocksDB or changelog write of its own.
        builder.addStateStore(OpenWindowStore.builder(
            keyValueStore(Names.SERVICE_WINDOWS_STORE, Serdes.Bytes(), Serdes.ByteArray()), serdes.windowAccumulators(), serdes.signals(),
            serdes.loggedSignals()));
        builder.addStateStore(WriteBehindKeyValueStore.builder(
            keyValueStore(Names.SERVICE_HEARTBEATS_STORE, Serdes.String(), serdes.heartbeats()), Serdes.String(), config.writeBehindMaxKeys(),
            Ranges.RARE));
        // A service's templates are scanned whenever its tree is rebuilt, which with many services is most of its logs.
        builder.addStateStore(WriteBehindKeyValueStore.builder(
            keyValueStore(Names.LOG_TEMPLATES_STORE, Serdes.String(), serdes.templates()), Serdes.String(), config.writeBehindMaxKeys(),
            Ranges.FREQUENT));
        builder.addStateStore(keyValueStore(Names.SERVICE_HEALTH_STORE, Serdes.String(), serdes.healthStates()));
        builder.addStateStore(keyValueStore(Names.WINDOW_HISTORY_STORE, Serdes.Bytes(), serdes.windowStats()));
        builder.addStateStore(keyValueStore(Names.FAULT_HISTORY_STORE, Serdes.Bytes(), serdes.faultEvents()));

        Serializer<ClassifiedLog> classifiedLogs = serdes.classifiedLogs().serializer();
        TemplateTreeBudget templateTrees = new TemplateTreeBudget(config.templateCachedServices());
        KStream<byte[], InputRecord> inputs = requests
            .merge(metrics, Named.as(Names.SIGNALS_MERGE_METRICS))
            .merge(logs, Named.as(Names.SIGNALS_MERGE_LOGS));
        KStream<String, InputRecord> keyed = switch (routing.partitioning()) {
            case REPARTITION -> inputs.selectKey((key, input) -> input.service(), Named.as(Names.SIGNALS_KEYED))
                .repartition(Repartitioned.<String, InputRecord>as(Names.SIGNALS_BY_SERVICE).withKeySerde(Serdes.String())
                    .withValueSerde(serdes.inputsAsRead()));
            case IN_PLACE -> inputs.process(() -> new ServiceRouter(partitions, Names.LOGS_CLASSIFY, Optional.empty()),
                Named.as(Names.SIGNALS_IN_PLACE));
            case AUTO -> {
                ServiceRouter.Detour detour = new ServiceRouter.Detour(Names.detourTopic(config.applicationId()), Names.SIGNALS_DETOUR_SINK);
                KStream<String, InputRecord> routed = inputs
                    .merge(builder.stream(detour.topic(), Consumed.with(Serdes.ByteArray(), serdes.inputsAsRead())
                            .withName(Names.SIGNALS_DETOUR_SOURCE).withTimestampExtractor(new TelemetryTimestampExtractor())),
                        Named.as(Names.SIGNALS_MERGE_DETOUR))
                    .process(() -> new ServiceRouter(partitions, Names.LOGS_CLASSIFY, Optional.of(detour)), Named.as(Names.SIGNALS_IN_PLACE));
                routed.to(detour.topic(), Produced.with(Serdes.String(), serdes.inputsAsRead()).withName(detour.sink()));
                yield routed;
            }
        };
        KStream<String, SignalAsRead> byService = keyed
            .processValues(() -> new ClassifyProcessor(config.classificationRules()), Named.as(Names.LOGS_CLASSIFY))
            .processValues(() -> new TemplateProcessor(config.templates(), config.templateLearningPeriod(), templateTrees,
                    log -> classifiedLogs.serialize(config.topics().classifiedLogs(), log)),
                Named.as(Names.TEMPLATES), Names.LOG_TEMPLATES_STORE);

        byService.filter((service, signal) -> signal.signal().getPayload() instanceof ClassifiedLog, Named.as(Names.CLASSIFIED_LOGS_ONLY))
            .to(config.topics().classifiedLogs(), Produced.with(Serdes.String(), serdes.classifiedLogSignals()).withName(Names.CLASSIFIED_LOGS_SINK));

        KStream<String, SpecificRecord> health = byService
            .process(() -> new ServiceWindowsProcessor(config.windowSize(), config.windowGrace()),
                Named.as(Names.SERVICE_WINDOWS_AGGREGATE), Names.SERVICE_WINDOWS_STORE, Names.SERVICE_HEARTBEATS_STORE)
            .process(() -> new HealthProcessor(config::healthRulesFor, config.livenessCheckInterval(), config.livenessReplayLag(),
                    config.queryHistory()),
                Named.as(Names.HEALTH), Names.SERVICE_HEALTH_STORE, Names.SERVICE_HEARTBEATS_STORE, Names.SERVICE_WINDOWS_STORE,
                Names.WINDOW_HISTORY_STORE, Names.FAULT_HISTORY_STORE);

        health.split(Named.as(Names.HEALTH_OUTPUT))
            .branch((service, output) -> output instanceof FaultEvent, Branched.withConsumer(events -> events
                .map((service, event) -> KeyValue.pair(service + "/" + ((FaultEvent) event).getKind(), (FaultEvent) event),
                    Named.as(Names.FAULT_EVENTS_KEYED))
                .to(config.topics().faultEvents(), Produced.with(Serdes.String(), serdes.faultEvents())
                    .withStreamPartitioner(new ByServicePartitioner<>()).withName(Names.FAULT_EVENTS_SINK)), Names.FAULT_EVENTS_BRANCH))
            .branch((service, output) -> output instanceof DegradationChange, Branched.withConsumer(changes -> changes
                .mapValues(change -> (DegradationChange) change, Named.as(Names.DEGRADATION_CHANGES_AS_RECORDS))
                .to(config.topics().degradationChanges(), Produced.with(Serdes.String(), serdes.degradationChanges())
                    .withName(Names.DEGRADATION_CHANGES_SINK)), Names.DEGRADATION_CHANGES_BRANCH))
            .branch((service, output) -> output instanceof WindowStats, Branched.withConsumer(stats -> stats
                .mapValues(window -> (WindowStats) window, Named.as(Names.WINDOW_STATS_AS_RECORDS))
                .to(config.topics().windowStats(), Produced.with(Serdes.String(), serdes.windowStats())
                    .withName(Names.WINDOW_STATS_SINK)), Names.WINDOW_STATS_BRANCH))
            .noDefaultBranch();

        return builder.build();
    }

    /** An input topic's records as read, timestamped with their event time; {@code problem} names those dead-lettered. */
    private static KStream<byte[], InputRecord> validInputs(StreamsBuilder builder, String topic, Serde<InputRecord> serde, String sourceName,
                                                            String validateName, BiFunction<InputRecord, Instant, Optional<String>> problem) {
        return builder
            .stream(topic, Consumed.with(Serdes.ByteArray(), serde).withName(sourceName).withTimestampExtractor(new TelemetryTimestampExtractor()))
            .processValues(() -> new ValidateProcessor<byte[], InputRecord>(topic, problem), Named.as(validateName));
    }

    private static <K, V> StoreBuilder<KeyValueStore<K, V>> keyValueStore(String name, Serde<K> keySerde, Serde<V> serde) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keySerde, serde);
    }
}
