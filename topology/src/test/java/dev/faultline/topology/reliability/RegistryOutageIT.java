package dev.faultline.topology.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.faultline.local.LocalKafkaBroker;
import dev.faultline.local.LocalSchemaRegistry;
import dev.faultline.schema.DeadLetter;
import dev.faultline.schema.DeadLetterReason;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;
import dev.faultline.schema.WindowStats;
import dev.faultline.serde.AvroSerde;
import dev.faultline.serde.RestSchemaRegistryClient;
import dev.faultline.serde.SerdeConfig;
import dev.faultline.topology.app.Analyzer;
import dev.faultline.topology.config.AnalyzerConfig;

/**
 * The registry stops mid-run. Records whose schemas the analyzer has already seen keep being
 * processed (schemas are cached by id); a record written with a schema it has never seen
 * cannot be read, and goes to the dead-letter topic, original bytes and reason kept, after
 * the client's retries; once the registry is back, such records are read again.
 */
class RegistryOutageIT {
    @TempDir
    static Path dir;

    @Test
    void knownSchemasKeepWorkingAndUnknownOnesAreDeadLetteredUntilTheRegistryIsBack() throws Exception {
        int registryPort = dev.faultline.local.Loopback.freePort();
        Path journal = dir.resolve("registry.journal");
        LocalSchemaRegistry registry = LocalSchemaRegistry.start(registryPort, Optional.of(journal), Optional.empty());
        try (LocalKafkaBroker broker = LocalKafkaBroker.start()) {
            Map<String, String> settings = new HashMap<>();
            settings.put("bootstrap.servers", broker.bootstrapServers());
            settings.put("schema.registry.url", registry.url());
            settings.put("max.retries", "2");
            settings.put("retries.wait.ms", "200");
            settings.put("application.id", "outage-" + UUID.randomUUID().toString().substring(0, 8));
            settings.put("state.dir", dir.resolve("state").toString());
            settings.put("commit.interval.ms", "200");
            settings.put(AnalyzerConfig.TOPICS_PARTITIONS, "1");
            settings.put(AnalyzerConfig.WINDOW_SIZE_MS, "2000");
            settings.put(AnalyzerConfig.WINDOW_GRACE_MS, "1000");
            settings.put(AnalyzerConfig.HTTP_PORT, "0");
            AnalyzerConfig config = AnalyzerConfig.from(settings);
            Map<String, Object> serde = Map.of("schema.registry.url", registry.url());
            String requests = config.topics().requests();

            // A newer compatible version of RequestEvent, registered by some other producer: the analyzer has never read it.
            Schema v2 = new Schema.Parser().parse(RequestEvent.getClassSchema().toString().replaceFirst("\"fields\":\\[",
                "\"fields\":[{\"name\":\"region\",\"type\":[\"null\",\"string\"],\"default\":null},"));
            int v2Id = new RestSchemaRegistryClient(SerdeConfig.from(serde)).register(requests + "-value", v2);

            try (Analyzer analyzer = Analyzer.start(config);
                 KafkaProducer<byte[], RequestEvent> producer = producer(broker, serde);
                 KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                     broker.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                Instant deadline = Instant.now().plusSeconds(60);
                while (analyzer.state() != KafkaStreams.State.RUNNING) {
                    assertThat(Instant.now()).isBefore(deadline);
                    Thread.sleep(100);
                }
                // Before: traffic and one bad record, so input, output and dead-letter schemas are all in use.
                send(producer, requests, "before", 40);
                raw.send(new ProducerRecord<>(requests, "not avro".getBytes())).get();
                // Windows close as stream time passes their end and grace: later traffic moves it on.
                send(producer, requests, "flush", 100);
                List<WindowStats> windows = new ArrayList<>();
                await(broker, config.topics().windowStats(), WindowStats.class, serde, windows,
                    w -> w.stream().anyMatch(s -> s.getService().equals("before")));
                List<DeadLetter> deadLetters = new ArrayList<>();
                await(broker, config.topics().deadLetters(), DeadLetter.class, serde, deadLetters, d -> d.size() >= 1);

                registry.close();
                long sentDuring = send(producer, requests, "during", 60);
                byte[] unseenSchema = v2Record(v2, v2Id, "unseen-schema");
                raw.send(new ProducerRecord<>(requests, unseenSchema)).get();
                send(producer, requests, "flush", 100);
                await(broker, config.topics().windowStats(), WindowStats.class, serde, windows,
                    w -> w.stream().filter(s -> s.getService().equals("during") && s.getOperation() == null)
                        .mapToLong(WindowStats::getRequestCount).sum() == sentDuring);
                await(broker, config.topics().deadLetters(), DeadLetter.class, serde, deadLetters, d -> d.size() >= 2);
                DeadLetter unseen = deadLetters.get(1);
                assertThat(unseen.getReason()).isEqualTo(DeadLetterReason.DESERIALIZATION_ERROR);
                assertThat(unseen.getErrorMessage()).contains("schema id " + v2Id);
                assertThat(unseen.getValue()).isEqualTo(ByteBuffer.wrap(unseenSchema));
                assertThat(analyzer.state()).isEqualTo(KafkaStreams.State.RUNNING);

                // Back: the same kind of record is read again.
                registry = LocalSchemaRegistry.start(registryPort, Optional.of(journal), Optional.empty());
                raw.send(new ProducerRecord<>(requests, v2Record(v2, v2Id, "after-outage"))).get();
                send(producer, requests, "flush", 100);
                await(broker, config.topics().windowStats(), WindowStats.class, serde, windows,
                    w -> w.stream().anyMatch(s -> s.getService().equals("after-outage")));
            }
        } finally {
            registry.close();
        }
    }

    private static KafkaProducer<byte[], RequestEvent> producer(LocalKafkaBroker broker, Map<String, Object> serde) {
        AvroSerde<RequestEvent> avro = AvroSerde.specific(RequestEvent.class);
        avro.configure(serde, false);
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new ByteArraySerializer(), avro.serializer());
    }

    /** {@code count} requests over about two seconds, current event times. */
    private static long send(KafkaProducer<byte[], RequestEvent> producer, String topic, String service, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(topic, RequestEvent.newBuilder().setService(service).setOperation("GET /")
                .setStartTime(Instant.now()).setDurationMs(5).setStatus(SpanStatus.OK).build())).get();
            Thread.sleep(50);
        }
        return count;
    }

    private static byte[] v2Record(Schema v2, int id, String service) throws Exception {
        GenericRecord record = new GenericData.Record(v2);
        record.put("region", "eu-west-1");
        record.put("service", service);
        record.put("operation", "GET /");
        record.put("startTime", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toEpochMilli());
        record.put("durationMs", 5.0);
        record.put("status", new GenericData.EnumSymbol(v2.getField("status").schema(), "OK"));
        record.put("attributes", Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(v2).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** The test's readers, kept so the schemas they met before the outage stay cached through it. */
    private final Map<Class<?>, AvroSerde<?>> readers = new HashMap<>();

    /** Reads the topic from the start (read committed) into {@code into} until {@code done} holds, for up to 60 s. */
    @SuppressWarnings("unchecked")
    private <V extends org.apache.avro.specific.SpecificRecord> void await(LocalKafkaBroker broker, String topic, Class<V> type,
            Map<String, Object> serde, List<V> into, java.util.function.Predicate<List<V>> done) {
        AvroSerde<V> avro = (AvroSerde<V>) readers.computeIfAbsent(type, t -> {
            AvroSerde<V> reader = AvroSerde.specific(type);
            reader.configure(serde, false);
            return reader;
        });
        into.clear();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "outage-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plusSeconds(60);
            while (!done.test(into)) {
                assertThat(Instant.now()).as("%s: expected records within 60 s; got %s", topic, into).isBefore(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(r -> into.add(avro.deserializer().deserialize(topic, r.value())));
            }
        }
    }
}
