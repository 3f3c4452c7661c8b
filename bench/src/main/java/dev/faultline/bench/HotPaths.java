package dev.faultline.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;
import dev.faultline.schema.internal.WindowAccumulator;
import dev.faultline.serde.AvroSerde;
import dev.faultline.topology.domain.ClosedWindow;
import dev.faultline.topology.domain.HealthRules;
import dev.faultline.topology.domain.LatencySketch;
import dev.faultline.topology.domain.LogClassifier;
import dev.faultline.topology.domain.OpenWindow;
import dev.faultline.topology.domain.RuleSet;
import dev.faultline.topology.domain.ServiceHealth;
import dev.faultline.topology.domain.ServiceWindow;
import dev.faultline.topology.domain.templates.MinerSettings;
import dev.faultline.topology.domain.templates.TemplateMiner;

/**
 * JMH micro-benchmarks of the per-record and per-window hot paths. Run (results in bench/target/jmh.json):
 * <pre>mvn -B -q install -DskipTests && mvn -B -q -pl bench exec:exec -Dexec.executable=java \
 *   -Dexec.args="-cp %classpath org.openjdk.jmh.Main HotPaths -rf json -rff target/jmh.json"</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class HotPaths {
    private static final String[] LINES = {
        "java.net.SocketTimeoutException: Read timed out",
        "org.postgresql.util.PSQLException: Connection to db-7:5432 refused. Check that the hostname and port are correct",
        "request GET /items/4711 handled in 12 ms",
        "java.lang.OutOfMemoryError: Java heap space\n\tat com.example.Cache.put(Cache.java:42)",
        "user 4711 logged in from 10.1.2.3 session 0f8e3a2b-1c4d-4e5f-9a8b-7c6d5e4f3a2b",
    };

    private AvroSerde<RequestEvent> serde;
    private RequestEvent request;
    private byte[] requestBytes;
    private LogClassifier classifier;
    private TemplateMiner miner;
    private LatencySketch sketch;
    private LatencySketch other;
    private ClosedWindow window;
    private OpenWindow open;
    private OpenWindow small;
    private int smallRequests;
    private final RequestEvent[] smallWindowRequests = new RequestEvent[1024];
    private AvroSerde<WindowAccumulator> accumulatorSerde;
    private final RequestEvent[] requests = new RequestEvent[1024];
    private ServiceHealth health;
    private final Random random = new Random(1);
    private int line;

    @Setup(Level.Trial)
    public void setUp() {
        serde = AvroSerde.specific(RequestEvent.class);
        serde.configure(Map.of("schema.registry.url", "mock://jmh"), false);
        request = RequestEvent.newBuilder().setService("payments").setOperation("POST /charge").setInstance("payments-1")
            .setStartTime(Instant.parse("2026-11-22T10:00:00Z")).setDurationMs(42.5).setStatus(SpanStatus.OK).setHttpStatus(200)
            .setTraceId("4bf92f3577b34da6a3ce929d0e0e4736").build();
        requestBytes = serde.serializer().serialize("telemetry.requests", request);
        classifier = new LogClassifier(RuleSet.defaults());
        miner = new TemplateMiner(MinerSettings.DEFAULT);
        sketch = new LatencySketch();
        other = new LatencySketch();
        for (int i = 0; i < 10_000; i++) {
            other.add(5 + random.nextDouble() * 500);
        }
        WindowAccumulator acc = ServiceWindow.empty();
        for (int i = 0; i < 1_000; i++) {
            ServiceWindow.add(acc, RequestEvent.newBuilder(request).setDurationMs(5 + random.nextDouble() * 300)
                .setStatus(i % 9 == 0 ? SpanStatus.ERROR : SpanStatus.OK).build());
        }
        for (int i = 0; i < requests.length; i++) {
            requests[i] = RequestEvent.newBuilder(request).setDurationMs(5 + random.nextDouble() * 300).build();
        }
        for (int i = 0; i < smallWindowRequests.length; i++) {
            smallWindowRequests[i] = RequestEvent.newBuilder(request).setOperation(i % 2 == 0 ? "GET /items" : "POST /orders")
                .setDurationMs(5 + random.nextDouble() * 200).build();
        }
        open = new OpenWindow(acc);
        accumulatorSerde = AvroSerde.specific(WindowAccumulator.class);
        accumulatorSerde.configure(Map.of("schema.registry.url", "mock://jmh"), false);
        Instant start = Instant.parse("2026-11-22T10:00:00Z");
        window = ServiceWindow.close(acc, "payments", start, start.plusSeconds(60), "bench");
        health = new ServiceHealth(ServiceHealth.newState("payments"), HealthRules.defaults(Duration.ofMinutes(1), RuleSet.defaults()), "bench");
    }

    @Benchmark
    public byte[] serializeRequest() {
        return serde.serializer().serialize("telemetry.requests", request);
    }

    @Benchmark
    public RequestEvent deserializeRequest() {
        return serde.deserializer().deserialize("telemetry.requests", requestBytes);
    }

    @Benchmark
    public Object classifyLog() {
        return classifier.classify(LINES[line++ % LINES.length], Map.of());
    }

    @Benchmark
    public Object mineTemplate() {
        return miner.add(LINES[line++ % LINES.length].lines().findFirst().orElse(""));
    }

    @Benchmark
    public void sketchAdd() {
        sketch.add(5 + random.nextDouble() * 500);
    }

    @Benchmark
    public void sketchMerge(Blackhole bh) {
        LatencySketch target = new LatencySketch();
        target.merge(other);
        bh.consume(target);
    }

    /** What a request does to its open window, kept decoded (the store writes it once per commit). */
    @Benchmark
    public Object windowUpdatePerRequest() {
        RequestEvent request = requests[line++ & (requests.length - 1)];
        return open.add(request, request.getStartTime().toEpochMilli());
    }

    /**
     * The same with 100,000 services: the request's window is one of a task's 25,000 (30 requests or more over two
     * operations), found by its service, and rarely still in the processor's caches, as in the load benchmark (where a
     * service has about one request a second). The difference from {@link #windowUpdatePerRequest} is what the state
     * of many services costs.
     */
    @Benchmark
    public Object requestToOneOf25000Windows(TaskWindows task) {
        RequestEvent request = task.requests[task.next++ & (task.requests.length - 1)];
        return task.windows.get(request.getService()).add(request, request.getStartTime().toEpochMilli());
    }

    /**
     * A task's open windows and requests to them in random order, a state of its own so that only the benchmark using
     * them builds them and no other benchmark's collections copy them.
     */
    @State(Scope.Thread)
    public static class TaskWindows {
        /** A task's share of the load benchmark's 100,000 services. */
        private static final int SERVICES = 100_000 / LoadBenchmark.PARTITIONS;
        final Map<String, OpenWindow> windows = new HashMap<>();
        final RequestEvent[] requests = new RequestEvent[1 << 16];
        int next;

        @Setup(Level.Trial)
        public void setUp(HotPaths paths) {
            RequestEvent[] fillers = paths.smallWindowRequests;
            Random random = new Random(2);
            for (int i = 0; i < SERVICES; i++) {
                OpenWindow window = OpenWindow.empty();
                for (int r = 0; r < 30; r++) {
                    RequestEvent filler = fillers[(i + r) & (fillers.length - 1)];
                    window.add(filler, filler.getStartTime().toEpochMilli());
                }
                window.encoded();
                windows.put("svc-" + i, window);
            }
            for (int i = 0; i < requests.length; i++) {
                // A name of its own, not the map's key, as a request read from a topic has.
                requests[i] = RequestEvent.newBuilder(fillers[i & (fillers.length - 1)])
                    .setService("svc-" + random.nextInt(SERVICES)).build();
            }
        }
    }

    /**
     * The same for the load benchmark's windows (two operations, about 47 requests between 5 and
     * 205 ms, then the next window): with 100,000 services nearly every request is followed by
     * its window's write at the next commit.
     */
    @Benchmark
    public byte[] requestAndWriteOfASmallWindow() {
        if (small == null || smallRequests++ == 47) {
            small = OpenWindow.empty();
            smallRequests = 0;
        }
        RequestEvent request = smallWindowRequests[line++ & (smallWindowRequests.length - 1)];
        small.add(request, request.getStartTime().toEpochMilli());
        return accumulatorSerde.serializer().serialize("service-windows-changelog", small.encoded());
    }

    /** The store's write of an open window at a commit after a request changed it: the changed sketch, then the accumulator. */
    @Benchmark
    public byte[] serializeOpenWindow() {
        RequestEvent request = requests[line++ & (requests.length - 1)];
        return accumulatorSerde.serializer().serialize("service-windows-changelog", open.add(request, request.getStartTime().toEpochMilli()).encoded());
    }

    @Benchmark
    public Object evaluateHealthPerWindow() {
        return health.onWindow(window);
    }
}
