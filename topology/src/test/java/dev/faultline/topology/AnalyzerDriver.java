package dev.faultline.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import dev.faultline.schema.ClassificationRules;
import dev.faultline.schema.ClassifiedLog;
import dev.faultline.schema.DeadLetter;
import dev.faultline.schema.DegradationChange;
import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.LogRecord;
import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;
import dev.faultline.schema.WindowStats;
import dev.faultline.serde.AvroSerde;
import dev.faultline.serde.MockSchemaRegistry;
import dev.faultline.serde.SerdeConfig;
import dev.faultline.topology.config.AnalyzerConfig;

/**
 * The analyzer's topology in a {@link TopologyTestDriver} with a mock:// registry, fed
 * minute by minute with explicit event times from {@link #T0}. The wall clock follows the
 * data (live mode) unless a test moves it elsewhere.
 */
public final class AnalyzerDriver implements AutoCloseable {
    public static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private final String scope = "driver-" + UUID.randomUUID();
    public final AnalyzerConfig config;
    public final TopologyTestDriver driver;
    private final TestInputTopic<byte[], RequestEvent> requests;
    private final TestInputTopic<byte[], MetricSample> metrics;
    private final TestInputTopic<byte[], LogRecord> logs;
    private final TestInputTopic<String, ClassificationRules> rules;
    private final TestOutputTopic<String, FaultEvent> faults;
    private final TestOutputTopic<String, DegradationChange> levels;
    private final TestOutputTopic<String, WindowStats> windows;
    private final TestOutputTopic<String, ClassifiedLog> classified;
    private final TestOutputTopic<byte[], DeadLetter> deadLetters;
    private final AvroSerde<RequestEvent> requestSerde;
    private Instant wallClock;
    private final java.nio.file.Path stateDir;

    public AnalyzerDriver() {
        this(Map.of(), T0);
    }

    public AnalyzerDriver(Map<String, String> overrides, Instant wallClock) {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", "unused:9092");
        settings.put(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);
        try {
            stateDir = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "driver-state", scope));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        settings.put("state.dir", stateDir.toString());
        settings.putAll(overrides);
        config = AnalyzerConfig.from(settings);
        AnalyzerSerdes serdes = new AnalyzerSerdes(config.kafka());
        Properties props = new Properties();
        props.putAll(config.kafka());
        this.wallClock = wallClock;
        driver = new TopologyTestDriver(AnalyzerTopology.build(config, serdes), props, wallClock);
        requestSerde = serdes.requests();
        requests = driver.createInputTopic(config.topics().requests(), new ByteArraySerializer(), serdes.requests().serializer());
        metrics = driver.createInputTopic(config.topics().metrics(), new ByteArraySerializer(), serdes.metrics().serializer());
        logs = driver.createInputTopic(config.topics().logs(), new ByteArraySerializer(), serdes.logs().serializer());
        rules = driver.createInputTopic(config.topics().rules(), new StringSerializer(), serdes.rules().serializer());
        faults = driver.createOutputTopic(config.topics().faultEvents(), new StringDeserializer(), serdes.faultEvents().deserializer());
        levels = driver.createOutputTopic(config.topics().degradationChanges(), new StringDeserializer(), serdes.degradationChanges().deserializer());
        windows = driver.createOutputTopic(config.topics().windowStats(), new StringDeserializer(), serdes.windowStats().deserializer());
        classified = driver.createOutputTopic(config.topics().classifiedLogs(), new StringDeserializer(), serdes.classifiedLogs().deserializer());
        AvroSerde<DeadLetter> deadLetterSerde = AvroSerde.specific(DeadLetter.class);
        deadLetterSerde.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, settings.get(SerdeConfig.SCHEMA_REGISTRY_URL)), false);
        deadLetters = driver.createOutputTopic(config.topics().deadLetters(), new ByteArrayDeserializer(), deadLetterSerde.deserializer());
    }

    public static Instant at(int minute, int second) {
        return T0.plus(Duration.ofMinutes(minute)).plusSeconds(second);
    }

    /** {@code count} requests spread over the minute, {@code errors} of them failed, each taking {@code latencyMs}. */
    public void requests(String service, int minute, int count, int errors, double latencyMs) {
        for (int i = 0; i < count; i++) {
            request(service, at(minute, i * 60 / count), i < errors, latencyMs);
        }
    }

    public void request(String service, Instant start, boolean failed, double latencyMs) {
        RequestEvent request = RequestEvent.newBuilder().setService(service).setOperation("POST /" + service)
            .setInstance(service + "-1").setStartTime(start).setDurationMs(latencyMs)
            .setStatus(failed ? SpanStatus.ERROR : SpanStatus.OK).setHttpStatus(failed ? 503 : 200)
            .setTraceId(failed ? "trace-" + start.toEpochMilli() : null).build();
        pipe(requests, request, start);
    }

    public void pipe(RequestEvent request) {
        pipe(requests, request, request.getStartTime());
    }

    public void metric(String service, String instance, String name, double value, String unit, Instant time) {
        pipe(metrics, TestEvents.metric(service, instance, name, value, unit, time), time);
    }

    public void pipe(MetricSample sample) {
        pipe(metrics, sample, sample.getTime());
    }

    public void log(String service, LogSeverity severity, String body, Instant time) {
        pipe(logs, LogRecord.newBuilder().setService(service).setInstance(service + "-1").setTime(time).setSeverity(severity)
            .setBody(body).setTraceId("trace-log-" + time.toEpochMilli()).build(), time);
    }

    public void pipe(LogRecord log) {
        pipe(logs, log, log.getTime());
    }

    public void publishRules(String document) {
        rules.pipeInput("active", new ClassificationRules(document, "test"));
    }

    /** Raw bytes on an input topic, as a broken producer would send them. */
    public void raw(String topic, byte[] value) {
        driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer()).pipeInput(new byte[] {1}, value, wallClock);
    }

    public byte[] serialized(RequestEvent request) {
        return requestSerde.serializer().serialize(config.topics().requests(), request);
    }

    private <V> void pipe(TestInputTopic<byte[], V> topic, V value, Instant time) {
        topic.pipeInput(null, value, time);
    }

    /** Runs a minute of traffic, then lets the wall clock catch up with it (live mode). */
    public void minute(int minute, Runnable traffic) {
        traffic.run();
        wallClockStepsTo(at(minute + 1, 0));
    }

    /** Moves the wall clock (firing wall-clock punctuations) to the given instant. */
    public void wallClockTo(Instant instant) {
        if (instant.isAfter(wallClock)) {
            driver.advanceWallClockTime(Duration.between(wallClock, instant));
            wallClock = instant;
        }
    }

    /** Advances the wall clock in steps of the liveness check interval. */
    public void wallClockStepsTo(Instant instant) {
        Duration step = config.livenessCheckInterval();
        while (wallClock.plus(step).compareTo(instant) <= 0) {
            wallClockTo(wallClock.plus(step));
        }
        wallClockTo(instant);
    }

    /** Fault events as "m:ss TYPE service KIND SEVERITY", minutes from T0. */
    public List<String> faultEvents() {
        List<String> events = new ArrayList<>();
        faults.readRecordsToList().forEach(r -> events.add(clock(r.value().getEventTime()) + " " + r.value().getType() + " "
            + r.value().getService() + " " + r.value().getKind() + " " + r.value().getSeverity()));
        return events;
    }

    public List<FaultEvent> faultEventRecords() {
        return faults.readValuesToList();
    }

    public List<TestRecord<String, FaultEvent>> faultEventKeyed() {
        return faults.readRecordsToList();
    }

    /** Level changes as "m:ss service FROM->TO". */
    public List<String> levelChanges() {
        List<String> changes = new ArrayList<>();
        levels.readValuesToList().forEach(c -> changes.add(clock(c.getEventTime()) + " " + c.getService() + " " + c.getFromLevel() + "->" + c.getToLevel()));
        return changes;
    }

    public List<DegradationChange> levelChangeRecords() {
        return levels.readValuesToList();
    }

    public List<WindowStats> serviceWindows() {
        return windows.readValuesToList().stream().filter(w -> w.getOperation() == null).toList();
    }

    public List<WindowStats> allWindows() {
        return windows.readValuesToList();
    }

    public List<ClassifiedLog> classifiedLogs() {
        return classified.readValuesToList();
    }

    public List<TestRecord<byte[], DeadLetter>> deadLetters() {
        return deadLetters.readRecordsToList();
    }

    public static String header(TestRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String clock(Instant time) {
        long seconds = Duration.between(T0, time).toSeconds();
        return String.format("%d:%02d", seconds / 60, seconds % 60);
    }

    @Override
    public void close() {
        driver.close();
        MockSchemaRegistry.dropScope(scope);
    }
}
