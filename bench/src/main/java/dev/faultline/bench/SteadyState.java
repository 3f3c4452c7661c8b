package dev.faultline.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.faultline.local.LocalKafkaBroker;
import dev.faultline.local.LocalSchemaRegistry;
import dev.faultline.local.Loopback;
import dev.faultline.topology.AnalyzerSerdes;
import dev.faultline.topology.AnalyzerTopology;
import dev.faultline.topology.app.Analyzer;
import dev.faultline.topology.app.TopicProvisioner;
import dev.faultline.topology.config.AnalyzerConfig;
import dev.faultline.topology.config.InputRouting;

/**
 * Memory at steady state: live traffic (event time = now) over many services at a fixed rate
 * for some minutes, the analyzer keeping up with it, memory sampled every 5 s. Growth is the
 * last two minutes against the two minutes after warm-up (the first two minutes, when every
 * service's first windows and templates are created, are left out). Heap is measured as what
 * the collector left after its latest collection, the only heap figure that shows retention
 * rather than garbage not yet collected. Results: {@code target/bench/steady-state.json} and
 * {@code .png}.
 *
 * <pre>MAVEN_OPTS=-Xmx1g mvn -B -q -pl bench exec:java -Dexec.mainClass=dev.faultline.bench.SteadyState \
 *   -Dexec.args="--services 100000 --rate 4000 --minutes 10"</pre>
 */
public final class SteadyState {
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
    private static final double WARM_UP_MINUTES = 2;

    private SteadyState() {
    }

    public static void main(String[] args) throws Exception {
        // As the analyzer's own start does (Analyzer.start), which this benchmark does not go through.
        Analyzer.useEnUsFormatLocale();
        int services = 100_000;
        double rate = 4_000;
        double minutes = 10;
        String guarantee = "exactly_once_v2";
        Path out = Path.of("target", "bench");
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--services" -> services = Integer.parseInt(args[i + 1]);
                case "--rate" -> rate = Double.parseDouble(args[i + 1]);
                case "--minutes" -> minutes = Double.parseDouble(args[i + 1]);
                case "--guarantee" -> guarantee = args[i + 1];
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                    + "; options: --services N --rate RECORDS_PER_S --minutes M --guarantee at_least_once|exactly_once_v2 --out DIR");
            }
        }
        if (minutes < 2 * WARM_UP_MINUTES) {
            throw new IllegalArgumentException("--minutes: at least " + 2 * WARM_UP_MINUTES + " (warm-up, then a comparison)");
        }
        Files.createDirectories(out);
        Loopback.deleteQuietly(LoadBenchmark.STATE_DIR);
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(); LocalSchemaRegistry registry = LocalSchemaRegistry.start()) {
            String prefix = "steady-" + services + "-" + UUID.randomUUID().toString().substring(0, 6);
            AnalyzerConfig config = LoadBenchmark.config(broker, registry, prefix, "analyzer", guarantee);
            InputRouting routing;
            try (Admin admin = broker.admin()) {
                TopicProvisioner.ensure(admin, TopicProvisioner.topics(config));
                routing = TopicProvisioner.routing(admin, config);
            }
            Duration length = Duration.ofMillis((long) (minutes * 60_000));
            AtomicLong produced = new AtomicLong();
            int serviceCount = services;
            double perSecond = rate;
            Thread producer = new Thread(() -> produceLive(config, serviceCount, perSecond, length, produced), "live-traffic");
            LoadBenchmark.Run run = observe(broker, config, routing, guarantee, services, length, producer, produced);
            Map<String, Object> result = new HashMap<>();
            result.put("services", services);
            result.put("ratePerSecond", rate);
            result.put("minutes", minutes);
            result.put("guarantee", guarantee);
            result.put("produced", produced.get());
            result.put("heapBytes", "in run.samples: heap in use after the latest collection");
            result.put("growth", growth(run.samples(), minutes));
            result.put("run", run);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("steady-state.json").toFile(), result);
            Charts.memory(run, out.resolve("steady-state.png"));
            System.out.println("growth " + result.get("growth"));
            System.out.println("results: " + out.resolve("steady-state.json") + ", chart: " + out.resolve("steady-state.png"));
        }
    }

    /** Records at {@code rate} per second, each sent when the wall clock reaches its event time. */
    private static void produceLive(AnalyzerConfig config, int services, double rate, Duration length, AtomicLong produced) {
        Instant start = Instant.now();
        MixedStream stream = new MixedStream(services, start, rate);
        try (KafkaProducer<String, SpecificRecord> producer = LoadBenchmark.producer(config)) {
            long end = start.plus(length).toEpochMilli();
            while (true) {
                SpecificRecord record = stream.next();
                long eventTime = MixedStream.eventTime(record);
                if (eventTime >= end) {
                    return;
                }
                long ahead = eventTime - System.currentTimeMillis();
                if (ahead > 0) {
                    LockSupport.parkNanos(ahead * 1_000_000); // pacing to the wall clock, as live traffic arrives
                }
                producer.send(LoadBenchmark.record(config, record));
                produced.incrementAndGet();
            }
        }
    }

    private static LoadBenchmark.Run observe(LocalKafkaBroker broker, AnalyzerConfig config, InputRouting routing, String guarantee,
                                             int services, Duration length, Thread producer, AtomicLong produced) throws InterruptedException {
        Properties props = new Properties();
        props.putAll(config.kafka());
        List<LoadBenchmark.Sample> samples = new ArrayList<>();
        try (KafkaStreams streams = new KafkaStreams(AnalyzerTopology.build(config, new AnalyzerSerdes(config.kafka()), routing), props)) {
            streams.cleanUp();
            long started = System.nanoTime();
            streams.start();
            producer.start();
            while (producer.isAlive()) {
                producer.join(SAMPLE_EVERY.toMillis());
                if (streams.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException("the analyzer stopped: " + streams.state());
                }
                long consumed = LoadBenchmark.reachedWindows(streams, config);
                LoadBenchmark.Sample sample = new LoadBenchmark.Sample((System.nanoTime() - started) / 1e9, consumed,
                    produced.get() - consumed, heapAfterGc(), LoadBenchmark.rss(), LoadBenchmark.rocksDb(streams), LoadBenchmark.cpuNanos(),
                    broker.cpuTime().toNanos());
                samples.add(sample);
                System.out.printf("%5.0f s: consumed %,d, lag %,d, heap after GC %d MiB, RSS %d MiB, RocksDB %d MiB%n", sample.seconds(),
                    sample.consumed(), sample.lag(), sample.heapBytes() >> 20, sample.rssBytes() >> 20, sample.rocksDbBytes() >> 20);
            }
            LoadBenchmark.Sample first = samples.get(0);
            LoadBenchmark.Sample last = samples.get(samples.size() - 1);
            return new LoadBenchmark.Run("analyzer (steady state)", guarantee, services, 1, produced.get(), last.seconds(),
                last.consumed() / last.seconds(), last.cpuMicrosPerRecordSince(first), last.brokerCpuMicrosPerRecordSince(first),
                samples.stream().mapToLong(LoadBenchmark.Sample::heapBytes).max().orElse(0),
                samples.stream().mapToLong(LoadBenchmark.Sample::rssBytes).max().orElse(0),
                samples.stream().mapToLong(LoadBenchmark.Sample::rocksDbBytes).max().orElse(0), LoadBenchmark.deadLetters(streams, config), samples);
        }
    }

    /** Heap in use just after the latest collection of each heap pool. */
    private static long heapAfterGc() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage afterGc = pool.getCollectionUsage();
            if (pool.getType() == MemoryType.HEAP && afterGc != null) {
                used += afterGc.getUsed();
            }
        }
        return used;
    }

    /** Median of each measure over the last two minutes divided by its median over the two minutes after warm-up. */
    static Map<String, Object> growth(List<LoadBenchmark.Sample> samples, double minutes) {
        double firstFrom = WARM_UP_MINUTES * 60;
        double firstTo = firstFrom + 120;
        double lastFrom = minutes * 60 - 120;
        Map<String, Object> growth = new HashMap<>();
        Map<String, java.util.function.ToLongFunction<LoadBenchmark.Sample>> measures = Map.of(
            "heapAfterGc", LoadBenchmark.Sample::heapBytes, "rss", LoadBenchmark.Sample::rssBytes,
            "rocksDb", LoadBenchmark.Sample::rocksDbBytes, "lag", LoadBenchmark.Sample::lag);
        measures.forEach((name, measure) -> {
            long first = median(samples, firstFrom, firstTo, measure);
            long last = median(samples, lastFrom, Double.MAX_VALUE, measure);
            growth.put(name, Map.of("afterWarmUp", first, "last", last, "ratio", first == 0 ? 0 : (double) last / first));
        });
        return growth;
    }

    private static long median(List<LoadBenchmark.Sample> samples, double from, double to,
                               java.util.function.ToLongFunction<LoadBenchmark.Sample> measure) {
        long[] values = samples.stream().filter(s -> s.seconds() >= from && s.seconds() < to).mapToLong(measure).sorted().toArray();
        return values.length == 0 ? 0 : values[values.length / 2];
    }
}
