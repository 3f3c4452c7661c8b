package dev.faultline.topology.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import dev.faultline.local.LocalKafkaBroker;
import dev.faultline.local.LocalSchemaRegistry;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;
import dev.faultline.schema.WindowStats;
import dev.faultline.serde.AvroSerde;
import dev.faultline.topology.Names;
import dev.faultline.topology.app.Analyzer;
import dev.faultline.topology.config.AnalyzerConfig;

/**
 * Instances join and leave under live load (exactly-once, one standby). Measured: how many
 * queries to a running instance were answered, and whether every request sent was counted
 * in exactly one emitted window. Asserted: the outputs are complete and hold no duplicate
 * window; most queries are answered (the rest are 503s while partitions move).
 */
class InstanceChurnIT {
    private static final int PARTITIONS = 4;
    private static final int SERVICES = 24;
    private static final long WINDOW_MS = 2_000;
    private static final long GRACE_MS = 1_000;
    /**
     * With {@code auto} and a producer spreading each service's records, every detour partition takes records from every
     * input task, and one that a rebalance pauses for longer than the grace makes its share late (1 s: thousands of
     * requests dead-lettered as late in a run): the production grace, 10 s, instead, and windows as long.
     */
    private static final long SPREAD_WINDOW_MS = 10_000;

    @TempDir
    Path state;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Analyzer> live = new CopyOnWriteArrayList<>();
    /** Requests sent per service and window start. */
    private final Map<String, AtomicLong> sent = new ConcurrentHashMap<>();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong unanswered = new AtomicLong();
    private final AtomicLong lastEventTime = new AtomicLong();
    private long rounds;
    private String keyedByService;
    private long windowMs;
    private long graceMs;

    /**
     * Every way signals reach the window tasks: through the repartition topic ({@code false}), where producers keyed them
     * by service ({@code true}), or ({@code auto}) with a producer that spreads a service's records over the partitions,
     * so that most take the detour.
     */
    @ParameterizedTest(name = "analyzer.input.keyed-by-service={0}")
    @ValueSource(strings = {"false", "true", "auto"})
    void outputsStayCompleteAndQueriesMostlyAnsweredWhileInstancesComeAndGo(String keyedByService) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        this.keyedByService = keyedByService;
        this.windowMs = keyedByService.equals("auto") ? SPREAD_WINDOW_MS : WINDOW_MS;
        this.graceMs = keyedByService.equals("auto") ? SPREAD_WINDOW_MS : GRACE_MS;
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(); LocalSchemaRegistry registry = LocalSchemaRegistry.start()) {
            AnalyzerConfig first = config(broker, registry, run, 0);
            live.add(Analyzer.start(first));
            live.add(Analyzer.start(config(broker, registry, run, 1)));
            await().atMost(Duration.ofSeconds(90)).until(() -> live.stream().allMatch(a -> a.state() == KafkaStreams.State.RUNNING));

            AvroSerde<RequestEvent> serde = AvroSerde.specific(RequestEvent.class);
            serde.configure(Map.of("schema.registry.url", registry.url()), false);
            ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
            List<Analyzer> stopped = new ArrayList<>();
            try (KafkaProducer<String, RequestEvent> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, "5"),
                    new org.apache.kafka.common.serialization.StringSerializer(), serde.serializer())) {
                String requests = first.topics().requests();
                load.scheduleAtFixedRate(() -> sendRound(producer, requests), 0, 20, TimeUnit.MILLISECONDS);
                load.scheduleAtFixedRate(this::queryOnce, 500, 50, TimeUnit.MILLISECONDS);

                // Joins and leaves, 6 s apart: 2 -> 3 -> 2 -> 3 -> 2 -> 3 -> 2 instances.
                int next = 2;
                for (int change = 0; change < 6; change++) {
                    pause(Duration.ofSeconds(6));
                    if (change % 2 == 0) {
                        live.add(Analyzer.start(config(broker, registry, run, next++)));
                    } else {
                        Analyzer leaving = live.remove(0);
                        leaving.close();
                        stopped.add(leaving);
                    }
                }
                pause(Duration.ofSeconds(6));
                load.shutdown();
                assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
                producer.flush();
                awaitRead(broker, first.applicationId(), requests);
                closeAllWindows(producer, requests);
                producer.flush();

                Map<String, Long> counted = new HashMap<>();
                List<String> duplicates = new ArrayList<>();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    Map<String, Long> expected = new HashMap<>();
                    sent.forEach((service, n) -> expected.put(service, n.get()));
                    assertThat(requestsIn(broker, requests)).as("requests per service and window in the input topic")
                        .containsExactlyInAnyOrderEntriesOf(expected);
                    String repartition = Names.detourTopic(first.applicationId());
                    if (keyedByService.equals("false")) {
                        assertThat(requestsIn(broker, repartition))
                            .as("requests per service and window in the repartition topic").containsExactlyInAnyOrderEntriesOf(expected);
                    } else if (keyedByService.equals("auto")) {
                        assertThat(requestsIn(broker, repartition)).as("requests that took the detour").isNotEmpty();
                    }
                    readWindows(broker, registry, first.topics().windowStats(), counted, duplicates);
                    assertThat(counted).as("requests counted per service and window").containsExactlyInAnyOrderEntriesOf(expected);
                });
                long total = sent.values().stream().mapToLong(AtomicLong::get).sum();
                double availability = (double) answered.get() / (answered.get() + unanswered.get());
                System.out.printf("instance churn (" + AnalyzerConfig.INPUT_KEYED_BY_SERVICE + "=" + keyedByService + "): %,d requests sent, each counted once in its window (%,d service windows); "
                    + "%d duplicate windows; queries answered %,d of %,d (%.1f %%)%n", total, counted.size(), duplicates.size(), answered.get(),
                    answered.get() + unanswered.get(), 100 * availability);
                assertThat(duplicates).isEmpty();
                assertThat(availability).isGreaterThan(0.5);
            } finally {
                load.shutdownNow();
                live.forEach(Analyzer::close);
            }
        }
    }

    private AnalyzerConfig config(LocalKafkaBroker broker, LocalSchemaRegistry registry, String run, int instance) {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", broker.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", "churn-" + run);
        settings.put("state.dir", state.resolve("i" + instance).toString());
        settings.put("commit.interval.ms", "200");
        settings.put("num.standby.replicas", "1");
        // Kept, so a shortfall can be located: before the analyzer, before the window tasks, or in them.
        settings.put("repartition.purge.interval.ms", "3600000");
        settings.put(AnalyzerConfig.TOPICS_PARTITIONS, String.valueOf(PARTITIONS));
        settings.put(AnalyzerConfig.INPUT_KEYED_BY_SERVICE, keyedByService);
        settings.put(AnalyzerConfig.WINDOW_SIZE_MS, String.valueOf(windowMs));
        settings.put(AnalyzerConfig.WINDOW_GRACE_MS, String.valueOf(graceMs));
        settings.put(AnalyzerConfig.HTTP_PORT, "0");
        settings.put(AnalyzerConfig.HTTP_ADVERTISED_HOST, "127.0.0.1");
        for (String key : AnalyzerConfig.DEFAULTS.keySet()) {
            if (key.startsWith("analyzer.topic.")) {
                settings.put(key, AnalyzerConfig.DEFAULTS.get(key) + "-" + run);
            }
        }
        return AnalyzerConfig.from(settings);
    }

    /**
     * One request per service, now; keyed by service, so a service's records keep their order end to end. With {@code auto},
     * in a partition that turns with the round, as a producer not keying by service spreads them.
     */
    private void sendRound(KafkaProducer<String, RequestEvent> producer, String topic) {
        Instant now = Instant.now();
        Integer partition = keyedByService.equals("auto") ? (int) (rounds++ % PARTITIONS) : null;
        for (int s = 0; s < SERVICES; s++) {
            String service = "svc-" + s;
            producer.send(new ProducerRecord<>(topic, partition, now.toEpochMilli(), service, RequestEvent.newBuilder()
                .setService(service).setOperation("GET /").setStartTime(now).setDurationMs(5).setStatus(SpanStatus.OK).build()));
            sent.computeIfAbsent(service + " " + Instant.ofEpochMilli(now.toEpochMilli() - Math.floorMod(now.toEpochMilli(), windowMs)),
                k -> new AtomicLong()).incrementAndGet();
        }
        lastEventTime.set(now.toEpochMilli());
    }

    /** One query for a random service through a random running instance. */
    private void queryOnce() {
        List<Analyzer> running = List.copyOf(live);
        Analyzer instance = running.get(ThreadLocalRandom.current().nextInt(running.size()));
        String service = "svc-" + ThreadLocalRandom.current().nextInt(SERVICES);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + instance.httpPort() + "/api/v1/services/" + service))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            (response.statusCode() == 200 ? answered : unanswered).incrementAndGet();
        } catch (Exception e) {
            // The instance was closed between the pick and the request.
            if (live.contains(instance)) {
                unanswered.incrementAndGet();
            }
        }
    }

    /**
     * Waits until the application has committed its offsets at the end of the topic. The ticks that close the windows jump
     * stream time past the grace at once, where live traffic moves it on gradually: sent earlier, a tick could overtake
     * the load's last detoured records, which would then count as late.
     */
    private static void awaitRead(LocalKafkaBroker broker, String group, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                return admin.listOffsets(latest).all().get().entrySet().stream().allMatch(end -> end.getValue().offset() == 0
                    || committed.get(end.getKey()) != null && committed.get(end.getKey()).offset() >= end.getValue().offset());
            });
        }
    }

    /** A record per partition past the last window's end plus grace closes every window of the load. */
    private void closeAllWindows(KafkaProducer<String, RequestEvent> producer, String topic) {
        Instant closing = Instant.ofEpochMilli(lastEventTime.get() - Math.floorMod(lastEventTime.get(), windowMs) + windowMs + graceMs);
        Set<Integer> covered = new HashSet<>();
        for (int n = 0; covered.size() < PARTITIONS; n++) {
            String service = "tick-" + n;
            if (covered.add(Utils.toPositive(Utils.murmur2(service.getBytes(StandardCharsets.UTF_8))) % PARTITIONS)) {
                producer.send(new ProducerRecord<>(topic, null, closing.toEpochMilli(), service, RequestEvent.newBuilder()
                    .setService(service).setOperation("tick").setStartTime(closing).setDurationMs(1).setStatus(SpanStatus.OK).build()));
            }
        }
    }

    /** All service-level windows emitted so far: requests per service and window, and any window seen twice. */
    private static void readWindows(LocalKafkaBroker broker, LocalSchemaRegistry registry, String topic, Map<String, Long> counted,
                                    List<String> duplicates) {
        AvroSerde<WindowStats> serde = AvroSerde.specific(WindowStats.class);
        serde.configure(Map.of("schema.registry.url", registry.url()), false);
        counted.clear();
        duplicates.clear();
        Set<String> seen = new HashSet<>();
        readAll(broker, topic, r -> {
            WindowStats w = serde.deserializer().deserialize(topic, r.value());
            if (w.getOperation() == null && w.getService().startsWith("svc-")) {
                String window = w.getService() + " " + w.getWindowStart();
                counted.merge(window, w.getRequestCount(), Long::sum);
                if (!seen.add(window)) {
                    duplicates.add(window);
                }
            }
        });
    }

    /** Records per service and window in an input or repartition topic (both keyed by service), ticks left out. */
    private Map<String, Long> requestsIn(LocalKafkaBroker broker, String topic) {
        Map<String, Long> seen = new HashMap<>();
        readAll(broker, topic, r -> {
            String service = new String(r.key(), StandardCharsets.UTF_8);
            if (service.startsWith("svc-")) {
                seen.merge(service + " " + Instant.ofEpochMilli(r.timestamp() - Math.floorMod(r.timestamp(), windowMs)), 1L, Long::sum);
            }
        });
        return seen;
    }

    /** Every committed record of the topic, from the start to its current end. */
    private static void readAll(LocalKafkaBroker broker, String topic, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }

    /** The load runs meanwhile: this is the time between two membership changes, not a wait for a condition. */
    private static void pause(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }
}
