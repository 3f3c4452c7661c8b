package dev.faultline.topology.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.faultline.local.LocalKafkaBroker;
import dev.faultline.local.LocalSchemaRegistry;
import dev.faultline.schema.ClassifiedLog;
import dev.faultline.schema.DeadLetter;
import dev.faultline.schema.DeadLetterReason;
import dev.faultline.schema.LogRecord;
import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;
import dev.faultline.schema.WindowStats;
import dev.faultline.serde.AvroSerde;
import dev.faultline.serde.AvroSerializer;
import dev.faultline.topology.app.Analyzer;
import dev.faultline.topology.config.AnalyzerConfig;

/**
 * A corpus of bad and hostile input interleaved with good records, on a real broker with
 * exactly-once: every bad record is in the dead-letter topic with its reason and original
 * bytes, every hostile-but-valid one and every good one is processed, and the application
 * never leaves RUNNING nor loses a stream thread.
 */
class PoisonPillIT {
    private static final int GOOD_PER_PILL = 20;
    private static LocalKafkaBroker broker;
    private static LocalSchemaRegistry registry;

    @TempDir
    static java.nio.file.Path stateDir;

    /** One kind of input: where it goes, its bytes, and what must become of it (a dead-letter reason, or processed). */
    private record Pill(String kind, String topic, byte[] key, byte[] value, DeadLetterReason reason, String processedAs) {
    }

    @BeforeAll
    static void start() {
        broker = LocalKafkaBroker.start();
        registry = LocalSchemaRegistry.start();
    }

    @AfterAll
    static void stop() {
        registry.close();
        broker.close();
    }

    @Test
    void everyBadRecordIsDeadLetteredWithItsReasonAndEverythingElseIsProcessed() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", broker.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", "poison-" + run);
        settings.put("state.dir", stateDir.toString());
        settings.put("commit.interval.ms", "200");
        settings.put(AnalyzerConfig.TOPICS_PARTITIONS, "3");
        // Grace wide enough for the jitter the big pills cause on two cores: good records must not arrive late.
        settings.put(AnalyzerConfig.WINDOW_SIZE_MS, "5000");
        settings.put(AnalyzerConfig.WINDOW_GRACE_MS, "5000");
        settings.put(AnalyzerConfig.HTTP_PORT, "0");
        settings.put(AnalyzerConfig.HTTP_ADVERTISED_HOST, "127.0.0.1");
        AnalyzerConfig config = AnalyzerConfig.from(settings);
        Map<String, Object> serde = Map.of("schema.registry.url", registry.url());

        try (Analyzer analyzer = Analyzer.start(config);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                 broker.bootstrapServers(), ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "2000000"), new ByteArraySerializer(), new ByteArraySerializer())) {
            awaitRunning(analyzer);
            Wire wire = new Wire(serde, config);
            int kinds = corpus(wire, config, Instant.now()).size();
            assertThat(kinds).isGreaterThanOrEqualTo(25);

            // Each pill made as it is sent, so its times are current like the good records around it.
            List<Pill> corpus = new ArrayList<>();
            long good = 0;
            for (int k = 0; k < kinds; k++) {
                Pill pill = corpus(wire, config, Instant.now()).get(k);
                corpus.add(pill);
                for (int i = 0; i < GOOD_PER_PILL; i++) {
                    producer.send(new ProducerRecord<>(config.topics().requests(), null, wire.request("good-svc", Instant.now(), 12))).get();
                    good++;
                }
                producer.send(new ProducerRecord<>(pill.topic(), pill.key(), pill.value())).get();
                assertThat(analyzer.state()).as("after %s", pill.kind()).isEqualTo(KafkaStreams.State.RUNNING);
            }
            // Later traffic on other services, in every partition, moves stream time on, so good-svc's windows close.
            Instant flushUntil = Instant.now().plusSeconds(15);
            while (Instant.now().isBefore(flushUntil)) {
                for (int f = 0; f < 12; f++) {
                    producer.send(new ProducerRecord<>(config.topics().requests(), null, wire.request("flush-" + f, Instant.now(), 5)));
                }
                Thread.sleep(100);
            }
            producer.flush();

            List<ConsumerRecord<byte[], byte[]>> deadLetters = readAll(config.topics().deadLetters(),
                records -> records.size() >= corpus.stream().filter(p -> p.reason() != null).count());
            AvroSerde<DeadLetter> deadLetterSerde = AvroSerde.specific(DeadLetter.class);
            deadLetterSerde.configure(serde, false);
            for (Pill pill : corpus) {
                List<DeadLetter> matching = deadLetters.stream()
                    .map(r -> deadLetterSerde.deserializer().deserialize(config.topics().deadLetters(), r.value()))
                    .filter(d -> Arrays.equals(bytes(d.getValue()), pill.value() == null ? null : pill.value())
                        && d.getSourceTopic().equals(pill.topic()))
                    .toList();
                if (pill.reason() != null) {
                    assertThat(matching).as("dead letter for %s", pill.kind()).hasSize(1);
                    assertThat(matching.get(0).getReason()).as(pill.kind()).isEqualTo(pill.reason());
                } else {
                    assertThat(matching).as("%s must be processed, not dead-lettered", pill.kind()).isEmpty();
                }
            }
            assertThat(deadLetters).allSatisfy(r -> assertThat(r.headers().lastHeader("faultline.dlq.reason")).isNotNull());

            // Every good request is counted in good-svc's windows; every hostile-but-valid record is processed.
            AvroSerde<WindowStats> windowSerde = AvroSerde.specific(WindowStats.class);
            windowSerde.configure(serde, false);
            List<WindowStats> windows = new ArrayList<>();
            long expectedGood = good;
            readAll(config.topics().windowStats(), records -> {
                windows.clear();
                records.forEach(r -> windows.add(windowSerde.deserializer().deserialize(config.topics().windowStats(), r.value())));
                return windows.stream().filter(w -> w.getService().equals("good-svc") && w.getOperation() == null)
                    .mapToLong(WindowStats::getRequestCount).sum() == expectedGood;
            });
            AvroSerde<ClassifiedLog> classifiedSerde = AvroSerde.specific(ClassifiedLog.class);
            classifiedSerde.configure(serde, false);
            List<String> processed = corpus.stream().filter(p -> p.processedAs() != null).map(Pill::processedAs).toList();
            List<String> seen = new ArrayList<>();
            readAll(config.topics().classifiedLogs(), records -> {
                seen.clear();
                records.forEach(r -> seen.add(classifiedSerde.deserializer().deserialize(config.topics().classifiedLogs(), r.value()).getService()));
                return seen.containsAll(processed.stream().filter(s -> s.startsWith("log-")).toList());
            });
            assertThat(windows.stream().map(WindowStats::getService)).containsAll(processed.stream().filter(s -> s.startsWith("req-")).toList());

            assertThat(analyzer.state()).isEqualTo(KafkaStreams.State.RUNNING);
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + analyzer.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("faultline_stream_thread_replacements_total 0.0");
            System.out.printf("poison pills: %d kinds (%d dead-lettered, %d processed), %d good records, all accounted for%n",
                corpus.size(), corpus.stream().filter(p -> p.reason() != null).count(), processed.size(), good);
        }
    }

    private static List<Pill> corpus(Wire w, AnalyzerConfig config, Instant now) {
        String requests = config.topics().requests();
        String metrics = config.topics().metrics();
        String logs = config.topics().logs();
        byte[] goodRequest = w.request("x", now, 10);
        byte[] withInvalidUtf8 = w.request("XX-svc", now, 10);
        replace(withInvalidUtf8, "XX-svc".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, 0x28, '-', 's', 'v', 'c'});
        byte[] logInvalidUtf8 = w.log("log-utf8", now, "payload XX here");
        replace(logInvalidUtf8, "XX".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xFF, (byte) 0xFE});
        byte[] unknownId = goodRequest.clone();
        unknownId[1] = 0x7f;
        unknownId[2] = 0x7f;
        byte[] wrongMagic = goodRequest.clone();
        wrongMagic[0] = 1;
        byte[] oversized = new byte[900_000]; // under the broker's 1 MB limit, which refuses bigger ones itself
        new java.util.Random(1).nextBytes(oversized);
        oversized[0] = 0;
        String hostile = "(a+)+$ ((((((((((x*)*)*)*)*)*)*)*)*)*) " + "a".repeat(50_000) + "!";
        DeadLetterReason de = DeadLetterReason.DESERIALIZATION_ERROR;
        DeadLetterReason va = DeadLetterReason.VALIDATION_ERROR;
        return List.of(
            new Pill("wrong magic byte", requests, null, wrongMagic, de, null),
            new Pill("unknown schema id", requests, null, unknownId, de, null),
            new Pill("truncated payload", requests, null, Arrays.copyOf(goodRequest, goodRequest.length - 4), de, null),
            new Pill("header only", requests, null, Arrays.copyOf(goodRequest, 5), de, null),
            new Pill("magic byte only", requests, null, new byte[] {0}, de, null),
            new Pill("empty value", requests, null, new byte[0], de, null),
            new Pill("trailing bytes", requests, null, concat(goodRequest, new byte[] {1, 2, 3}), de, null),
            new Pill("oversized garbage (900 KB)", requests, null, oversized, de, null),
            new Pill("plain JSON", metrics, null, "{\"service\":\"a\",\"value\":1}".getBytes(StandardCharsets.UTF_8), de, null),
            // A LogRecord (schema registered under the logs subject) sent to the requests topic.
            new Pill("wrong schema (a log on the requests topic)", requests, null, w.log("a", now, "x"), de, null),
            new Pill("null value (tombstone)", logs, "k".getBytes(StandardCharsets.UTF_8), null, DeadLetterReason.VALIDATION_ERROR, null),
            new Pill("negative duration", requests, null, w.request("neg", now, -5), va, null),
            new Pill("NaN duration", requests, null, w.request("nan", now, Double.NaN), va, null),
            new Pill("infinite duration", requests, null, w.request("inf", now, Double.POSITIVE_INFINITY), va, null),
            new Pill("duration beyond the latency sketch's range", requests, null, w.request("huge", now, Double.MAX_VALUE), va, null),
            new Pill("start time far in the future", requests, null, w.request("future", now.plus(Duration.ofDays(3650)), 5), va, null),
            new Pill("start time before 1970", requests, null, w.request("past", Instant.parse("1969-07-20T20:17:00Z"), 5), va, null),
            new Pill("empty service name", requests, null, w.request("", now, 5), va, null),
            new Pill("blank service name", requests, null, w.request("   ", now, 5), va, null),
            new Pill("control characters in service", requests, null, w.request("pay\u0000ments\n", now, 5), va, null),
            new Pill("service name over 256 characters", requests, null, w.request("s".repeat(300), now, 5), va, null),
            new Pill("invalid UTF-8 in service", requests, null, withInvalidUtf8, va, null),
            new Pill("metric NaN", metrics, null, w.metric("m", "system.cpu.utilization", Double.NaN, "1", now), va, null),
            new Pill("metric infinite", metrics, null, w.metric("m", "system.memory.utilization", Double.NEGATIVE_INFINITY, "1", now), va, null),
            new Pill("CPU at 250 %", metrics, null, w.metric("m", "system.cpu.utilization", 250, "%", now), va, null),
            new Pill("metric before 1970", metrics, null, w.metric("m", "system.cpu.utilization", 0.5, "1", Instant.ofEpochMilli(-1000)), va, null),
            new Pill("log far in the future", logs, null, w.log("futurelog", now.plus(Duration.ofDays(30)), "ERROR boom"), va, null),
            new Pill("log with empty service", logs, null, w.log("", now, "ERROR boom"), va, null),
            // Hostile but valid: processed, in bounded time, and nothing dead-lettered.
            new Pill("huge log line (800 KB)", logs, null, w.log("log-huge", now, "java.net.SocketTimeoutException: " + "x".repeat(800_000)), null, "log-huge"),
            new Pill("regex-hostile text", logs, null, w.log("log-regex", now, hostile), null, "log-regex"),
            new Pill("10,000-line stack trace", logs, null, w.log("log-stack", now, "java.lang.IllegalStateException: boom\n"
                + "\tat a.b.C.d(C.java:1)\n".repeat(10_000) + "Caused by: java.net.UnknownHostException: db"), null, "log-stack"),
            new Pill("invalid UTF-8 in a log body", logs, null, logInvalidUtf8, null, "log-utf8"),
            new Pill("null key", requests, null, w.request("req-nullkey", now, 5), null, "req-nullkey"),
            new Pill("binary key", requests, new byte[] {(byte) 0xFF, 0, 1}, w.request("req-binkey", now, 5), null, "req-binkey"),
            new Pill("non-ASCII service name", requests, null, w.request("req-zahlungen-ü-支付", now, 5), null, "req-zahlungen-ü-支付"));
    }

    /** Serialized records, as a producer using the project's serde would send them. */
    private static final class Wire {
        private final AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        private final AnalyzerConfig config;

        Wire(Map<String, Object> serde, AnalyzerConfig config) {
            serializer.configure(serde, false);
            this.config = config;
        }

        byte[] request(String service, Instant start, double duration) {
            return serializer.serialize(config.topics().requests(), RequestEvent.newBuilder().setService(service).setOperation("GET /")
                .setStartTime(start).setDurationMs(duration).setStatus(SpanStatus.OK).setTraceId(UUID.randomUUID().toString()).build());
        }

        byte[] metric(String service, String name, double value, String unit, Instant time) {
            return serializer.serialize(config.topics().metrics(), MetricSample.newBuilder().setService(service).setName(name)
                .setValue(value).setUnit(unit).setTime(time).build());
        }

        byte[] log(String service, Instant time, String body) {
            return serializer.serialize(config.topics().logs(), LogRecord.newBuilder().setService(service).setTime(time).setSeverity(LogSeverity.ERROR)
                .setBody(body).build());
        }
    }

    private static void awaitRunning(Analyzer analyzer) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (analyzer.state() != KafkaStreams.State.RUNNING) {
            assertThat(Instant.now()).as("RUNNING within 60 s").isBefore(deadline);
            Thread.sleep(100);
        }
    }

    /** Everything on a topic (read committed), re-read until {@code done} holds or 60 s pass. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic,
            java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> done) throws InterruptedException {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "poison-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "4000000"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plusSeconds(60);
            while (!done.test(records)) {
                assertThat(Instant.now()).as("%s complete within 60 s (%d records so far)", topic, records.size()).isBefore(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void replace(byte[] bytes, byte[] find, byte[] with) {
        for (int i = 0; i + find.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + find.length, find, 0, find.length)) {
                System.arraycopy(with, 0, bytes, i, with.length);
                return;
            }
        }
        throw new IllegalArgumentException("marker not found");
    }
}
