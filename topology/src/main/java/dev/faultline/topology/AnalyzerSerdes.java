package dev.faultline.topology;

import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import dev.faultline.schema.ClassificationRules;
import dev.faultline.schema.ClassifiedLog;
import dev.faultline.schema.DegradationChange;
import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.LogRecord;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.WindowStats;
import dev.faultline.schema.internal.Heartbeat;
import dev.faultline.schema.internal.ServiceHealthState;
import dev.faultline.schema.internal.Signal;
import dev.faultline.schema.internal.TemplateRecord;
import dev.faultline.schema.internal.WindowAccumulator;
import dev.faultline.serde.AvroDeserializer;
import dev.faultline.serde.AvroSerde;
import dev.faultline.serde.SchemaRegistryClient;
import dev.faultline.serde.SchemaRegistryClients;
import dev.faultline.serde.SerdeConfig;

/**
 * Every serde the topology uses, built in one place from the analyzer's settings and
 * sharing one registry client, so each schema is fetched once per process. State and
 * internal topics are Avro too, so their schemas evolve under the same rules.
 */
public final class AnalyzerSerdes {
    private final Map<String, ?> settings;
    private final SchemaRegistryClient client;

    public AnalyzerSerdes(Map<String, ?> settings) {
        this.settings = settings;
        this.client = SchemaRegistryClients.create(SerdeConfig.from(settings));
    }

    public AvroSerde<RequestEvent> requests() {
        return value(RequestEvent.class);
    }

    public AvroSerde<MetricSample> metrics() {
        return value(MetricSample.class);
    }

    public AvroSerde<LogRecord> logs() {
        return value(LogRecord.class);
    }

    /** Requests as read from their topic, with their bytes (see {@link InputRecord}). */
    public Serde<InputRecord> requestsAsRead() {
        return InputRecord.serde(requests().deserializer());
    }

    public Serde<InputRecord> metricsAsRead() {
        return InputRecord.serde(metrics().deserializer());
    }

    public Serde<InputRecord> logsAsRead() {
        return InputRecord.serde(logs().deserializer());
    }

    /** Input records of the three kinds on one topic: the repartition by service. */
    public Serde<InputRecord> inputsAsRead() {
        return InputRecord.serde(anyOf(List.of(RequestEvent.class, MetricSample.class, LogRecord.class)));
    }

    public AvroSerde<ClassificationRules> rules() {
        return value(ClassificationRules.class);
    }

    public AvroSerde<Signal> signals() {
        return value(Signal.class);
    }

    /** What the open-window store logs: signals, requests and metric samples as they were read, classified logs as written. */
    public AvroDeserializer<SpecificRecord> loggedSignals() {
        return anyOf(List.of(Signal.class, RequestEvent.class, MetricSample.class, ClassifiedLog.class));
    }

    /** Open windows as their accumulator, sketches encoded (see {@link dev.faultline.topology.stores.OpenWindowStore}). */
    public AvroSerde<WindowAccumulator> windowAccumulators() {
        return value(WindowAccumulator.class);
    }

    public AvroSerde<Heartbeat> heartbeats() {
        return value(Heartbeat.class);
    }

    public AvroSerde<TemplateRecord> templates() {
        return value(TemplateRecord.class);
    }

    public AvroSerde<ServiceHealthState> healthStates() {
        return value(ServiceHealthState.class);
    }

    public AvroSerde<FaultEvent> faultEvents() {
        return value(FaultEvent.class);
    }

    public AvroSerde<DegradationChange> degradationChanges() {
        return value(DegradationChange.class);
    }

    public AvroSerde<WindowStats> windowStats() {
        return value(WindowStats.class);
    }

    public AvroSerde<ClassifiedLog> classifiedLogs() {
        return value(ClassifiedLog.class);
    }

    /**
     * Classified logs on their way to their windows: written as the bytes they were encoded to
     * ({@link SignalAsRead#asRead}), or encoded now if they could not be then.
     */
    public Serde<SignalAsRead> classifiedLogSignals() {
        AvroSerde<ClassifiedLog> logs = classifiedLogs();
        return Serdes.serdeFrom(
            (topic, signal) -> signal == null ? null
                : signal.asRead() != null ? signal.asRead() : logs.serializer().serialize(topic, (ClassifiedLog) signal.signal().getPayload()),
            (topic, bytes) -> {
                ClassifiedLog log = logs.deserializer().deserialize(topic, bytes);
                return log == null ? null : new SignalAsRead(new Signal(log.getService(), log, null), bytes);
            });
    }

    /**
     * Registers the output schemas under their topics' subjects now, while the registry is
     * reachable, so that a registry outage later does not stop an output the instance has not
     * written yet (the serdes share this client and its cache).
     */
    public void prepareOutputs(dev.faultline.topology.config.TopicNames topics) {
        faultEvents().serializer().prepare(topics.faultEvents(), FaultEvent.getClassSchema());
        degradationChanges().serializer().prepare(topics.degradationChanges(), DegradationChange.getClassSchema());
        windowStats().serializer().prepare(topics.windowStats(), WindowStats.getClassSchema());
        classifiedLogs().serializer().prepare(topics.classifiedLogs(), ClassifiedLog.getClassSchema());
    }

    private AvroDeserializer<SpecificRecord> anyOf(List<Class<? extends SpecificRecord>> types) {
        AvroDeserializer<SpecificRecord> deserializer = AvroDeserializer.anyOf(types, client);
        deserializer.configure(settings, false);
        return deserializer;
    }

    private <T extends SpecificRecord> AvroSerde<T> value(Class<T> type) {
        AvroSerde<T> serde = AvroSerde.specific(type, client);
        serde.configure(settings, false);
        return serde;
    }
}
