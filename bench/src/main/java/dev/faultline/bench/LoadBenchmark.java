package dev.faultline.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.faultline.local.LocalKafkaBroker;
import dev.faultline.local.LocalSchemaRegistry;
import dev.faultline.local.Loopback;
import dev.faultline.serde.AvroSerializer;
import dev.faultline.topology.AnalyzerSerdes;
import dev.faultline.topology.AnalyzerTopology;
import dev.faultline.topology.Names;
import dev.faultline.topology.app.Analyzer;
import dev.faultline.topology.app.TopicProvisioner;
import dev.faultline.topology.config.AnalyzerConfig;

/**
 * End-to-end load benchmark on the real local broker. For each service count, a seeded mixed
 * stream is produced once; then, for each processing guarantee, a pass-through topology
 * (deserialize and re-serialize every input) and the full analyzer consume all of it from
 * the beginning, and their throughput and lag, counted where the input reaches the last stage
 * ({@link #reachedWindows}), are sampled every half second. The
 * figure of merit is full / pass-through on the same broker, data and run. Results:
 * {@code target/bench/load.json} and {@code target/bench/load.png}.
 *
 * <p>Records and the event time they span are given per service count, so that the traffic
 * per service can stay the same while the number of services changes: by default 6,000,000
 * records over 90 minutes for 1,000 services and 20,000,000 over 3 minutes for 100,000, each
 * about 67 records per service and 60-second window (a service sending about one record a
 * second). {@code --records 2000000 --minutes 30} for both gives the sparse case (100,000
 * services sending a record every 90 seconds each, so nearly every record opens a window).
 * {@code --repeats N} measures N pass-through/analyzer pairs per guarantee, in turn, and
 * reports each pair's ratio and their median: on a shared machine one pair's ratio can be
 * off by 0.1.
 *
 * <pre>mvn -B -q install -DskipTests && MAVEN_OPTS="-Xms6g -Xmx6g -XX:+AlwaysPreTouch" mvn -B -q -pl bench exec:java \
 *   -Dexec.mainClass=dev.faultline.bench.LoadBenchmark -Dexec.args="--services 1000,100000 --records 6000000,20000000 --minutes 90,3"</pre>
 */
public final class LoadBenchmark {
    static final int PARTITIONS = 4;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(30);
    private static final Set<String> GUARANTEES = Set.of("at_least_once", "exactly_once_v2");
    /**
     * Kafka Streams state of the benchmarks' runs. Each benchmark clears it when it starts (one with
     * 100,000 services leaves gigabytes) and leaves its own, for RocksDB's LOG files.
     */
    static final Path STATE_DIR = Path.of("target", "bench", "state").toAbsolutePath();

    /**
     * One sample of a run: seconds since it started, input records that reached the last stage, lag, heap and resident
     * memory, and the CPU time used so far by this JVM (the topology, its clients and collector) and by the broker.
     */
    record Sample(double seconds, long consumed, long lag, long heapBytes, long rssBytes, long rocksDbBytes, long cpuNanos,
                  long brokerCpuNanos) {
        /** This JVM's CPU time per record that reached the last stage since {@code from}. */
        double cpuMicrosPerRecordSince(Sample from) {
            return (cpuNanos - from.cpuNanos) / 1e3 / Math.max(1, consumed - from.consumed);
        }

        /** The broker's CPU time per record that reached the last stage since {@code from}. */
        double brokerCpuMicrosPerRecordSince(Sample from) {
            return (brokerCpuNanos - from.brokerCpuNanos) / 1e3 / Math.max(1, consumed - from.consumed);
        }
    }

    /** What a ratio is measured for: its pairs' median is reported. */
    private record Case(String guarantee, int services) {
    }

    /** A measured run; the CPU time per record (this JVM's, the broker's) is taken over the same span as the rate. */
    record Run(String topology, String guarantee, int services, int repeat, long records, double seconds, double recordsPerSecond,
               double cpuMicrosPerRecord, double brokerCpuMicrosPerRecord, long maxHeapBytes, long maxRssBytes, long maxRocksDbBytes,
               long deadLetters, List<Sample> samples) {
        double totalCpuMicrosPerRecord() {
            return cpuMicrosPerRecord + brokerCpuMicrosPerRecord;
        }
    }

    private LoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // As the analyzer's own start does; the pass-through, run in this JVM too, has no empty partitions to format.
        Analyzer.useEnUsFormatLocale();
        List<Long> records = List.of(6_000_000L, 20_000_000L);
        List<Integer> serviceCounts = List.of(1_000, 100_000);
        List<Double> minutes = List.of(90.0, 3.0);
        List<String> guarantees = List.of("at_least_once", "exactly_once_v2");
        int repeats = 1;
        Path out = Path.of("target", "bench");
        Map<String, String> analyzerSettings = new HashMap<>();
        boolean roundRobin = false;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--producer-partitioning" -> roundRobin = switch (args[i + 1]) {
                    case "service" -> false;
                    case "round-robin" -> true;
                    default -> throw new IllegalArgumentException("--producer-partitioning: service or round-robin, got " + args[i + 1]);
                };
                case "--input-keyed-by-service" -> analyzerSettings.put(AnalyzerConfig.INPUT_KEYED_BY_SERVICE, args[i + 1]);
                case "--set" -> analyzerSettings.putAll(settings(args[i + 1]));
                case "--records" -> records = list(args[i + 1], Long::valueOf);
                case "--services" -> serviceCounts = list(args[i + 1], Integer::valueOf);
                case "--minutes" -> minutes = list(args[i + 1], Double::valueOf);
                case "--guarantees" -> guarantees = List.of(args[i + 1].split(","));
                case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --services N[,N] --records N[,N]"
                    + " --minutes M[,M] (one value for every service count, or one each) --guarantees at_least_once,exactly_once_v2"
                    + " --repeats N (pairs of runs per guarantee, default 1) --input-keyed-by-service auto|true|false"
                    + " --producer-partitioning service|round-robin (default service)"
                    + " --set key=value[,key=value] (analyzer and Kafka settings) --out DIR");
            }
        }
        if (!GUARANTEES.containsAll(guarantees)) {
            throw new IllegalArgumentException("--guarantees: one or both of " + GUARANTEES);
        }
        if (repeats < 1 || repeats > 20) {
            throw new IllegalArgumentException("--repeats: 1 to 20, got " + repeats);
        }
        records = perServiceCount("--records", records, serviceCounts.size());
        minutes = perServiceCount("--minutes", minutes, serviceCounts.size());
        Files.createDirectories(out);
        Loopback.deleteQuietly(STATE_DIR);
        List<Run> runs = new ArrayList<>();
        Map<Integer, Double> perWindow = new HashMap<>();
        Map<String, Object> machine = machine();
        warnUnlessHeapFixed(machine);
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(); LocalSchemaRegistry registry = LocalSchemaRegistry.start()) {
            for (int run = 0; run < serviceCounts.size(); run++) {
                perWindow.put(serviceCounts.get(run), records.get(run) / (double) serviceCounts.get(run) / minutes.get(run));
                int services = serviceCounts.get(run);
                long count = records.get(run);
                String prefix = "load-" + services + "-" + UUID.randomUUID().toString().substring(0, 6);
                AnalyzerConfig input = config(broker, registry, prefix, "input", "at_least_once", analyzerSettings);
                try (Admin admin = broker.admin()) {
                    TopicProvisioner.ensure(admin, TopicProvisioner.topics(input));
                    admin.createTopics(List.of(new NewTopic(prefix + ".pass-through", PARTITIONS, (short) 1))).all().get();
                }
                produce(input, services, count, Duration.ofMillis((long) (minutes.get(run) * 60_000)), roundRobin);
                if (runs.isEmpty()) {
                    // Unmeasured: the first runs in a JVM pay for its JIT compilation, which would favour whichever topology ran later.
                    for (String topology : List.of("pass-through", "analyzer")) {
                        AnalyzerConfig config = config(broker, registry, prefix, "warm-up-" + topology, "at_least_once", analyzerSettings);
                        measure(broker, build(broker, topology, config, prefix), config, topology, "at_least_once", services, 0, count);
                    }
                }
                // Pairs in turn, so that a slow spell of the shared machine lowers one pair, not every run of one topology.
                for (String guarantee : guarantees) {
                    for (int repeat = 1; repeat <= repeats; repeat++) {
                        for (String topology : List.of("pass-through", "analyzer")) {
                            AnalyzerConfig config = config(broker, registry, prefix, topology + "-" + guarantee + "-" + repeat, guarantee,
                                analyzerSettings);
                            Run measured = measure(broker, build(broker, topology, config, prefix), config, topology, guarantee, services,
                                repeat, count);
                            runs.add(measured);
                            System.out.printf("%-12s %-16s %,7d services, run %d: %,9.0f records/s (%.1f s), CPU %.1f us/record (broker %.1f),"
                                    + " heap max %d MiB, RSS max %d MiB, RocksDB max %d MiB, dead letters %,d%n", topology, guarantee, services, repeat,
                                measured.recordsPerSecond(), measured.seconds(), measured.cpuMicrosPerRecord(), measured.brokerCpuMicrosPerRecord(),
                                measured.maxHeapBytes() >> 20, measured.maxRssBytes() >> 20, measured.maxRocksDbBytes() >> 20, measured.deadLetters());
                        }
                    }
                }
            }
        }
        List<Map<String, Object>> ratios = new ArrayList<>();
        Map<Case, List<Double>> ratiosByCase = new java.util.LinkedHashMap<>();
        for (Run full : runs) {
            if (full.topology().equals("analyzer")) {
                Run base = runs.stream().filter(r -> r.topology().equals("pass-through") && r.guarantee().equals(full.guarantee())
                    && r.services() == full.services() && r.repeat() == full.repeat()).findFirst().orElseThrow();
                double ratio = full.recordsPerSecond() / base.recordsPerSecond();
                // The same ratio from CPU time per record (the JVM's and the broker's): it departs from the rates' ratio when
                // a run leaves cores idle, waiting on the broker for instance.
                double cpuRatio = base.totalCpuMicrosPerRecord() / full.totalCpuMicrosPerRecord();
                ratios.add(Map.of("guarantee", full.guarantee(), "services", full.services(), "repeat", full.repeat(), "records", full.records(),
                    "recordsPerServiceWindow", perWindow.get(full.services()), "analyzer", full.recordsPerSecond(),
                    "passThrough", base.recordsPerSecond(), "ratio", ratio, "cpuRatio", cpuRatio, "target", target(full.guarantee())));
                ratiosByCase.computeIfAbsent(new Case(full.guarantee(), full.services()), k -> new ArrayList<>()).add(ratio);
                System.out.printf("ratio %-16s %,7d services (%.1f records per service and window), run %d: %.2f (from CPU per record: %.2f)%n",
                    full.guarantee(), full.services(), perWindow.get(full.services()), full.repeat(), ratio, cpuRatio);
            }
        }
        List<Map<String, Object>> medians = new ArrayList<>();
        ratiosByCase.forEach((measured, values) -> {
            double median = median(values);
            double target = target(measured.guarantee());
            medians.add(Map.of("guarantee", measured.guarantee(), "services", measured.services(), "runs", values.size(),
                "medianRatio", median, "target", target, "met", median >= target));
            System.out.printf("median ratio %-16s %,7d services over %d run(s): %.2f (target %.2f) %s%n", measured.guarantee(),
                measured.services(), values.size(), median, target, median >= target ? "met" : "NOT MET");
        });
        Map<String, Object> result = new HashMap<>();
        result.put("machine", machine);
        result.put("records", records);
        result.put("minutes", minutes);
        result.put("settings", analyzerSettings);
        result.put("ratios", ratios);
        result.put("medians", medians);
        result.put("runs", runs);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("load.json").toFile(), result);
        Charts.throughputAndLag(runs, out.resolve("load.png"));
        System.out.println("results: " + out.resolve("load.json") + ", chart: " + out.resolve("load.png"));
    }

    private static Topology build(LocalKafkaBroker broker, String topology, AnalyzerConfig config, String prefix) throws Exception {
        try (Admin admin = broker.admin()) {
            TopicProvisioner.ensure(admin, TopicProvisioner.topics(config));
            return topology.equals("pass-through")
                ? PassThrough.build(config, prefix + ".pass-through")
                : AnalyzerTopology.build(config, new AnalyzerSerdes(config.kafka()), TopicProvisioner.routing(admin, config));
        }
    }

    static AnalyzerConfig config(LocalKafkaBroker broker, LocalSchemaRegistry registry, String prefix, String app, String guarantee) {
        return config(broker, registry, prefix, app, guarantee, Map.of());
    }

    /** The analyzer's settings for a benchmark run on its own topics, with {@code extra} settings. */
    static AnalyzerConfig config(LocalKafkaBroker broker, LocalSchemaRegistry registry, String prefix, String app, String guarantee,
                                 Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(extra);
        settings.put("bootstrap.servers", broker.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", prefix + "-" + app);
        settings.put("processing.guarantee", guarantee);
        settings.put("state.dir", STATE_DIR.toString());
        settings.put(AnalyzerConfig.TOPICS_PARTITIONS, String.valueOf(PARTITIONS));
        settings.put(AnalyzerConfig.HTTP_PORT, "0");
        settings.put(AnalyzerConfig.TOPIC_REQUESTS, prefix + ".requests");
        settings.put(AnalyzerConfig.TOPIC_METRICS, prefix + ".metrics");
        settings.put(AnalyzerConfig.TOPIC_LOGS, prefix + ".logs");
        for (String output : List.of(AnalyzerConfig.TOPIC_FAULT_EVENTS, AnalyzerConfig.TOPIC_DEGRADATION_CHANGES,
                AnalyzerConfig.TOPIC_WINDOW_STATS, AnalyzerConfig.TOPIC_CLASSIFIED_LOGS, AnalyzerConfig.TOPIC_DEAD_LETTERS,
                AnalyzerConfig.TOPIC_RULES)) {
            settings.put(output, prefix + "-" + app + "." + AnalyzerConfig.DEFAULTS.get(output));
        }
        return AnalyzerConfig.from(settings);
    }

    /**
     * The seeded stream, keyed by service, timestamped with its event time: evenly over {@code span}, from half a window
     * before a window boundary (see {@link #startBetweenBoundaries}), ending a minute or more ago. In its service's
     * partition, as Kafka's default partitioner puts it, or with {@code roundRobin} in partition {@code i % PARTITIONS}
     * for the {@code i}-th record, as a producer that does not key by service spreads records.
     */
    static void produce(AnalyzerConfig config, int services, long records, Duration span, boolean roundRobin) {
        double eventsPerSecond = records / (span.toMillis() / 1000.0);
        Instant start = startBetweenBoundaries(Instant.now().minus(span).minus(Duration.ofMinutes(1)), config.windowSize());
        MixedStream stream = new MixedStream(services, start, eventsPerSecond);
        long started = System.nanoTime();
        try (KafkaProducer<String, SpecificRecord> producer = producer(config, ProducerConfig.BATCH_SIZE_CONFIG, "262144")) {
            for (long i = 0; i < records; i++) {
                ProducerRecord<String, SpecificRecord> record = record(config, stream.next());
                producer.send(roundRobin ? new ProducerRecord<>(record.topic(), (int) (i % PARTITIONS), record.timestamp(), record.key(),
                    record.value()) : record);
            }
        }
        System.out.printf("produced %,d records over %,d services and %s of event time in %.1f s%n", records, services, span,
            (System.nanoTime() - started) / 1e9);
    }

    /**
     * The middle of the window before the one {@code latest} falls in. Why: which windows a run closes depended on where
     * the clock stood when it started. With 100,000 services over 0.9 minutes of event time, a run either closed every
     * service's window (about 100,000 closes, 4 to 6 s of stalled input) or none, when the one boundary came too late for
     * its grace to pass: the same build gave 148,000 or 192,000 records/s. From the middle of a window, every run crosses
     * the same boundaries at the same points of its data.
     */
    static Instant startBetweenBoundaries(Instant latest, Duration window) {
        long size = window.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(latest.toEpochMilli(), size) * size - size / 2);
    }

    /** A producer of the mixed stream's records (compressed, lingering 20 ms), with {@code extra} producer settings. */
    static KafkaProducer<String, SpecificRecord> producer(AnalyzerConfig config, String... extra) {
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(config.kafka(), false);
        Map<String, Object> settings = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().get("bootstrap.servers"),
            ProducerConfig.LINGER_MS_CONFIG, "20", ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"));
        for (int i = 0; i < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        return new KafkaProducer<>(settings, new StringSerializer(), serializer);
    }

    /** A mixed-stream record to its input topic, keyed by service, timestamped with its event time. */
    static ProducerRecord<String, SpecificRecord> record(AnalyzerConfig config, SpecificRecord record) {
        String topic = switch (MixedStream.topicRole(record)) {
            case "requests" -> config.topics().requests();
            case "logs" -> config.topics().logs();
            default -> config.topics().metrics();
        };
        return new ProducerRecord<>(topic, null, MixedStream.eventTime(record), MixedStream.service(record), record);
    }

    private static Run measure(LocalKafkaBroker broker, Topology topology, AnalyzerConfig config, String name, String guarantee, int services,
                               int repeat, long records)
            throws InterruptedException {
        Properties props = new Properties();
        props.putAll(config.kafka());
        List<Sample> samples = new ArrayList<>();
        System.gc();
        long started;
        long deadLetters;
        try (KafkaStreams streams = new KafkaStreams(topology, props)) {
            streams.cleanUp();
            started = System.nanoTime();
            streams.start();
            Instant deadline = Instant.now().plus(RUN_TIMEOUT);
            long consumed = 0;
            while (consumed < records) {
                if (Instant.now().isAfter(deadline) || streams.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException(name + " " + guarantee + ": " + consumed + " of " + records + " consumed, state " + streams.state());
                }
                Thread.sleep(500);
                consumed = name.equals("pass-through") ? consumed(streams, consumerTopicNames(config)) : reachedWindows(streams, config);
                samples.add(new Sample((System.nanoTime() - started) / 1e9, consumed, records - consumed,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), rss(), rocksDb(streams), cpuNanos(),
                    broker.cpuTime().toNanos()));
            }
            deadLetters = deadLetters(streams, config);
        }
        // Sustained rate: from 10 % to 90 % of the input, leaving out start-up and the tail.
        Sample from = samples.stream().filter(s -> s.consumed() >= records / 10).findFirst().orElse(samples.get(0));
        Sample to = samples.stream().filter(s -> s.consumed() >= records * 9 / 10).findFirst().orElse(samples.get(samples.size() - 1));
        double rate = to.seconds() > from.seconds() ? (to.consumed() - from.consumed()) / (to.seconds() - from.seconds())
            : records / samples.get(samples.size() - 1).seconds();
        return new Run(name, guarantee, services, repeat, records, samples.get(samples.size() - 1).seconds(), rate,
            to.cpuMicrosPerRecordSince(from), to.brokerCpuMicrosPerRecordSince(from),
            samples.stream().mapToLong(Sample::heapBytes).max().orElse(0), samples.stream().mapToLong(Sample::rssBytes).max().orElse(0),
            samples.stream().mapToLong(Sample::rocksDbBytes).max().orElse(0), deadLetters, samples);
    }

    private static double target(String guarantee) {
        return guarantee.equals("exactly_once_v2") ? 0.35 : 0.5;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static <T> List<T> list(String values, java.util.function.Function<String, T> parse) {
        return java.util.Arrays.stream(values.split(",")).map(parse).toList();
    }

    /** {@code key=value[,key=value]}: settings for both topologies of every run. */
    private static Map<String, String> settings(String pairs) {
        Map<String, String> settings = new HashMap<>();
        for (String pair : pairs.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set: key=value[,key=value], got " + pair);
            }
            settings.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return settings;
    }

    /** {@code values} as one per service count: a single value applies to each. */
    private static <T> List<T> perServiceCount(String option, List<T> values, int serviceCounts) {
        if (values.size() == serviceCounts) {
            return values;
        }
        if (values.size() == 1) {
            return java.util.Collections.nCopies(serviceCounts, values.get(0));
        }
        throw new IllegalArgumentException(option + ": one value, or one per service count (" + serviceCounts + ")");
    }

    /** The input topics, whose per-topic consumer metrics count what a topology fetched. */
    static Set<String> consumerTopicNames(AnalyzerConfig config) {
        return Set.copyOf(config.topics().inputs());
    }

    /**
     * Records that reached the analyzer's last stage, the windows, from its clients' metrics: fetched from the repartition
     * topic ({@code analyzer.input.keyed-by-service=false}); from the inputs ({@code true}); or ({@code auto}) fetched from
     * the inputs, less those sent on the detour, plus those fetched from it. Counting every input fetched would count
     * records that the first stage has repartitioned but the windows have not reached: the first stage can run far ahead
     * (a run once "consumed" all input 36 s before the windows had seen it).
     */
    static long reachedWindows(KafkaStreams streams, AnalyzerConfig config) {
        // The repartition's topic, which is also the detour's.
        Set<String> byService = Set.of(Names.detourTopic(config.applicationId()));
        return switch (config.inputPartitioning()) {
            case REPARTITION -> consumed(streams, byService);
            case IN_PLACE -> consumed(streams, consumerTopicNames(config));
            case AUTO -> consumed(streams, consumerTopicNames(config)) - total(streams, "producer-topic-metrics", "record-send-total", byService)
                + consumed(streams, byService);
        };
    }

    /**
     * Records sent to the dead-letter topic. A rate is only worth the records it analysed: late ones (for instance from a
     * backlog read through a detour or repartition that producers on different partitions filled at different paces) are
     * dead-lettered, not counted in windows.
     */
    static long deadLetters(KafkaStreams streams, AnalyzerConfig config) {
        return total(streams, "producer-topic-metrics", "record-send-total", Set.of(config.topics().deadLetters()));
    }

    /** Records of {@code topics} fetched by the stream threads' consumers, from the consumers' own metrics. */
    static long consumed(KafkaStreams streams, Set<String> topics) {
        return total(streams, "consumer-fetch-manager-metrics", "records-consumed-total", topics);
    }

    /**
     * The sum of the clients' metric {@code name} of {@code group} over {@code topics}, matched by their names as they are:
     * for a topic whose name has a dot, Kafka's consumer also reports its fetch metrics under a deprecated tag with
     * underscores, and matching that too counted every record twice.
     */
    private static long total(KafkaStreams streams, String group, String name, Set<String> topics) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            MetricName m = e.getKey();
            if (m.name().equals(name) && m.group().equals(group)
                    && m.tags().containsKey("topic") && topics.contains(m.tags().get("topic"))) {
                total += ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return (long) total;
    }

    /**
     * RocksDB memory as the shared block cache reports it (every store reports the same cache,
     * so the largest value): BoundedRocksDbConfig's write-buffer manager charges memtables to
     * that cache, so this is the total the bound applies to.
     */
    static long rocksDb(KafkaStreams streams) {
        double cache = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            if (e.getKey().name().equals("block-cache-usage") && e.getValue().metricValue() instanceof Number number) {
                cache = Math.max(cache, number.doubleValue());
            }
        }
        return (long) cache;
    }

    /** CPU time of this JVM, all its threads. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /**
     * Both topologies run in this JVM, and only the analyzer's heap grows (to gigabytes with 100,000 services): with a heap
     * that the collector may grow and shrink between runs, the analyzer alone pays the kernel for the first touch of each
     * page it grows into (with 100,000 services, 13.5 % of its stream threads' CPU samples and 16.6 % of the collector's,
     * clearing pages), a cost a running deployment pays once at start. Hence a fixed heap, touched at start.
     */
    private static void warnUnlessHeapFixed(Map<String, Object> machine) {
        long initial = (long) machine.get("initialHeapBytes");
        long max = (long) machine.get("maxHeapBytes");
        boolean preTouch = (boolean) machine.get("alwaysPreTouch");
        if (initial < max || !preTouch) {
            System.out.printf("WARNING: the heap is not fixed and touched at start (initial %d MiB, max %d MiB, AlwaysPreTouch %s): the"
                + " analyzer's runs will pay for the pages its heap grows into; set -Xms and -Xmx alike and -XX:+AlwaysPreTouch"
                + " (MAVEN_OPTS with exec:java)%n", initial >> 20, max >> 20, preTouch);
        }
    }

    private static Map<String, Object> machine() {
        Map<String, Object> machine = new HashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        java.lang.management.MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        machine.put("maxHeapBytes", heap.getMax());
        machine.put("initialHeapBytes", heap.getInit());
        machine.put("alwaysPreTouch", ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
            .getVMOption("AlwaysPreTouch").getValue().equals("true"));
        machine.put("jvmArguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
        machine.put("java", System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        // The model name alone does not tell hosts apart: under the same "Intel(R) Xeon(R) Processor", the pass-through ran
        // twice as fast on 2026-12-05 as the day before, on a host reporting a 480 MiB cache.
        machine.put("cpu", cpuInfo("model name"));
        machine.put("cpuCache", cpuInfo("cache size"));
        machine.put("cpuMHz", cpuInfo("cpu MHz"));
        return machine;
    }

    /** The value of the first line of /proc/cpuinfo named {@code name}, "unknown" without one. */
    private static String cpuInfo(String name) {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith(name))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
