package dev.faultline.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.faultline.local.LocalKafkaBroker;
import dev.faultline.local.LocalSchemaRegistry;
import dev.faultline.local.Loopback;
import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.FaultEventType;
import dev.faultline.schema.FaultKind;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;
import dev.faultline.serde.AvroSerde;
import dev.faultline.serde.AvroSerializer;
import dev.faultline.topology.app.Analyzer;
import dev.faultline.topology.config.AnalyzerConfig;

/**
 * Detection latency with the production settings (60 s windows, 10 s grace, exactly-once):
 * live traffic over 1,000 services, and in each window 50 fresh services run their CPU at
 * 95 % (CPU_OVERLOAD decides on one window). Latency is the time from the end of the window
 * plus grace (when the rule could first decide) until the OPENED event is read by a
 * read-committed consumer. Results: {@code target/bench/detection-latency.json}.
 *
 * <pre>mvn -B -q -pl bench exec:java -Dexec.mainClass=dev.faultline.bench.DetectionLatency -Dexec.args="--windows 4"</pre>
 */
public final class DetectionLatency {
    private static final int SERVICES = 1_000;
    private static final int FAULTY_PER_WINDOW = 50;

    private DetectionLatency() {
    }

    public static void main(String[] args) throws Exception {
        int windows = args.length >= 2 && args[0].equals("--windows") ? Integer.parseInt(args[1]) : 4;
        Path out = Path.of("target", "bench");
        Files.createDirectories(out);
        List<Double> latencies = new ArrayList<>();
        Loopback.deleteQuietly(LoadBenchmark.STATE_DIR);
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(); LocalSchemaRegistry registry = LocalSchemaRegistry.start()) {
            String prefix = "latency-" + UUID.randomUUID().toString().substring(0, 6);
            AnalyzerConfig config = LoadBenchmark.config(broker, registry, prefix, "analyzer", "exactly_once_v2");
            Duration window = config.windowSize();
            Duration grace = config.windowGrace();
            AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
            serializer.configure(config.kafka(), false);
            AvroSerde<FaultEvent> faults = AvroSerde.specific(FaultEvent.class);
            faults.configure(config.kafka(), false);
            try (Analyzer analyzer = Analyzer.start(config);
                 KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, "5"),
                     new StringSerializer(), serializer);
                 KafkaConsumer<String, FaultEvent> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, prefix + "-reader", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), faults.deserializer())) {
                while (analyzer.state() != KafkaStreams.State.RUNNING) {
                    Thread.sleep(100);
                }
                consumer.subscribe(List.of(config.topics().faultEvents()));
                Random random = new Random(5);
                Instant firstWindow = Instant.ofEpochMilli((System.currentTimeMillis() / window.toMillis() + 1) * window.toMillis());
                Instant end = firstWindow.plus(window.multipliedBy(windows)).plus(grace).plusSeconds(15);
                System.out.printf("traffic until %s: %d services, %d with CPU at 95 %% in each of %d windows%n", end, SERVICES,
                    FAULTY_PER_WINDOW, windows);
                while (Instant.now().isBefore(end)) {
                    Instant now = Instant.now();
                    long index = now.isBefore(firstWindow) ? -1 : Duration.between(firstWindow, now).toMillis() / window.toMillis();
                    boolean injecting = index >= 0 && index < windows;
                    for (int i = 0; i < 20; i++) {
                        String service = "svc-" + random.nextInt(SERVICES);
                        producer.send(new ProducerRecord<>(config.topics().requests(), null, now.toEpochMilli(), service,
                            RequestEvent.newBuilder().setService(service).setOperation("GET /").setStartTime(now)
                                .setDurationMs(5 + random.nextDouble() * 50).setStatus(SpanStatus.OK).build()));
                    }
                    if (injecting) {
                        String service = "svc-" + (index * FAULTY_PER_WINDOW + random.nextInt(FAULTY_PER_WINDOW));
                        producer.send(new ProducerRecord<>(config.topics().metrics(), null, now.toEpochMilli(), service,
                            MetricSample.newBuilder().setService(service).setInstance(service + "-1").setName("system.cpu.utilization")
                                .setValue(0.95).setUnit("1").setTime(now).build()));
                    }
                    for (ConsumerRecord<String, FaultEvent> record : consumer.poll(Duration.ofMillis(20))) {
                        FaultEvent f = record.value();
                        if (f.getType() == FaultEventType.OPENED && f.getKind() == FaultKind.CPU_OVERLOAD && f.getWindowEnd() != null) {
                            double ms = System.currentTimeMillis() - f.getWindowEnd().plus(grace).toEpochMilli();
                            latencies.add(ms);
                        }
                    }
                }
            }
        }
        latencies.sort(Double::compare);
        Map<String, Object> result = new HashMap<>();
        result.put("settings", "window 60 s, grace 10 s, exactly_once_v2, commit.interval.ms 100 (defaults)");
        result.put("faults", latencies.size());
        result.put("p50Ms", percentile(latencies, 0.50));
        result.put("p99Ms", percentile(latencies, 0.99));
        result.put("maxMs", latencies.isEmpty() ? Double.NaN : latencies.get(latencies.size() - 1));
        result.put("targetP99Ms", 2000);
        result.put("latenciesMs", latencies);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("detection-latency.json").toFile(), result);
        System.out.printf("detection latency over %d faults: p50 %.0f ms, p99 %.0f ms, max %.0f ms (target p99 < 2000 ms)%n",
            latencies.size(), percentile(latencies, 0.5), percentile(latencies, 0.99), (double) result.get("maxMs"));
    }

    private static double percentile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
