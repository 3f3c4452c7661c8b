package dev.faultline.topology.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.faultline.schema.ClassifiedLog;
import dev.faultline.schema.InstanceResources;
import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.WindowStats;
import dev.faultline.schema.internal.OperationAccumulator;
import dev.faultline.schema.internal.WindowAccumulator;

/**
 * Folds every kind of telemetry of one service into its open window (fault-model.md
 * section 4), and turns a closed one into statistics. Cardinality is capped: operations and
 * instances past the caps share an "(other)" bucket, evidence samples are few and short.
 */
public final class ServiceWindow {
    public static final String OTHER = "(other)";
    public static final int MAX_OPERATIONS = 100;
    public static final int MAX_INSTANCES = 200;
    static final int MAX_SAMPLES_PER_KIND = 3;
    static final int MAX_SAMPLE_CHARS = 300;
    static final int MAX_TRACE_IDS = 5;
    public static final int MAX_TEMPLATES = 200;
    static final int MAX_NEW_TEMPLATES = 20;

    private ServiceWindow() {
    }

    /**
     * A window with the schema's defaults, built by the all-args constructors rather than
     * {@code newBuilder().build()}: a builder deep-copies each default, and with 100,000 services
     * one record in 67 opens a window, and builders were 4 % of the stream threads' samples.
     * {@code ServiceWindowTest} checks that these are the schema's defaults.
     */
    public static WindowAccumulator empty() {
        return new WindowAccumulator(0L, 0L, null, new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(),
            new ArrayList<>(), new HashMap<>(), new HashMap<>(), -1L, -1L);
    }

    static OperationAccumulator emptyOperation() {
        return new OperationAccumulator(0L, 0L, null);
    }

    static InstanceResources emptyResources(String instance) {
        return new InstanceResources(instance, null, null, null);
    }

    /** Adds {@code signal} to a stored window, as an {@link OpenWindow} of it would, then stores it again. */
    public static WindowAccumulator add(WindowAccumulator acc, Object signal) {
        return new OpenWindow(acc).add(signal, -1).encoded();
    }

    /**
     * As {@link #add(WindowAccumulator, Object)}, with the window's operations in {@code operations} and its log counts
     * in {@code logCounts} (both of {@code acc}), their sketches and counts updated there only: {@code acc} holds them
     * once their {@code encodeInto} has run. See {@link OpenWindow}.
     */
    static WindowAccumulator add(WindowAccumulator acc, Object signal, Operations operations, LogCounts logCounts) {
        if (signal instanceof RequestEvent request) {
            addRequest(acc, request, operations);
        } else if (signal instanceof MetricSample sample) {
            addMetric(acc, sample);
        } else if (signal instanceof ClassifiedLog log) {
            addLog(acc, log, logCounts);
        } else if (signal instanceof LogSeverity severity) {
            logCounts.bySeverity.add(severity.name());
        }
        return acc;
    }

    /** Reads what {@link #add} will for {@code signal}, changing nothing; the value means nothing. */
    static int prefetch(WindowAccumulator acc, Object signal, Operations operations, LogCounts logCounts) {
        if (signal instanceof RequestEvent request) {
            return operations.prefetch(request.getOperation());
        } else if (signal instanceof MetricSample sample) {
            InstanceResources r = sample.getInstance() == null ? null : acc.getResources().get(sample.getInstance());
            return r == null || r.getCpuMax() == null ? 0 : 1;
        } else if (signal instanceof ClassifiedLog log) {
            return logCounts.byKind.prefetch(log.getKind().name()) + logCounts.bySeverity.size() + logCounts.byTemplate.size();
        }
        return 0;
    }

    private static void addRequest(WindowAccumulator acc, RequestEvent request, Operations operations) {
        boolean error = RequestStats.isError(request);
        acc.setRequestCount(acc.getRequestCount() + 1);
        acc.setErrorCount(acc.getErrorCount() + (error ? 1 : 0));
        operations.of(acc, request.getOperation()).add(error, request.getDurationMs());
        if (error && request.getTraceId() != null && acc.getErrorTraceIds().size() < MAX_TRACE_IDS) {
            acc.getErrorTraceIds().add(request.getTraceId());
        }
    }

    /**
     * An open window's operations as used so far: each its accumulator and its latency sketch decoded, found by one
     * lookup per request. Why one: with 100,000 services each lookup is a chain of cache misses (table, entry, key,
     * value), and a request looked its operation up twice, in the accumulator's map and in a map of decoded sketches.
     */
    static final class Operations {
        private final Map<String, Operation> used = new HashMap<>();

        /**
         * An operation, its sketch marked when it changed since it was last encoded (the others' bytes in the
         * accumulator are current): a flag rather than a set of changed operations, so a request writes no reference
         * into a window that has long left the young generation, which the collector would have to scan.
         */
        private static final class Operation {
            final OperationAccumulator accumulator;
            final LatencySketch sketch;
            boolean changed;

            Operation(OperationAccumulator accumulator) {
                this.accumulator = accumulator;
                this.sketch = accumulator.getLatency() == null ? new LatencySketch() : LatencySketch.fromBytes(toArray(accumulator.getLatency()));
            }

            void add(boolean error, double millis) {
                accumulator.setRequestCount(accumulator.getRequestCount() + 1);
                accumulator.setErrorCount(accumulator.getErrorCount() + (error ? 1 : 0));
                sketch.add(millis);
                changed = true;
            }
        }

        int size() {
            return used.size();
        }

        /** Loads the operation, if used, down to its sketch's bins; the value means nothing. */
        int prefetch(String name) {
            Operation op = used.get(name);
            return op == null ? 0 : (int) op.accumulator.getRequestCount() + op.sketch.prefetch();
        }

        /** The operation {@code name} of {@code acc}, or "(other)" once the window has {@link #MAX_OPERATIONS}. */
        Operation of(WindowAccumulator acc, String name) {
            Operation op = used.get(name);
            if (op == null) {
                String capped = capped(acc.getOperations(), name, MAX_OPERATIONS);
                op = used.get(capped);
                if (op == null) {
                    op = new Operation(acc.getOperations().computeIfAbsent(capped, o -> emptyOperation()));
                    used.put(capped, op);
                }
            }
            return op;
        }

        /** The sketch of the operation {@code name}, whose accumulator is {@code accumulator}; null if it has none yet. */
        LatencySketch sketchOf(String name, OperationAccumulator accumulator) {
            Operation op = used.get(name);
            return op != null ? op.sketch : accumulator.getLatency() == null ? null : new Operation(accumulator).sketch;
        }

        /** Writes every sketch changed since the last call into its operation's accumulator. */
        void encodeInto() {
            used.values().forEach(op -> {
                if (op.changed) {
                    op.accumulator.setLatency(java.nio.ByteBuffer.wrap(op.sketch.toBytes()));
                    op.changed = false;
                }
            });
        }
    }

    /**
     * An open window's log counts by severity, kind and template, as counters, written into the accumulator's maps
     * only when it is stored or closed. Why: a count in the accumulator's map is a new reference written into a
     * long-lived map entry at every log (boxed, even when cached), and the G1 collector's refinement threads then scan
     * the memory around each such entry; incrementing a counter writes a number. See {@link SecondChanceCache} for what
     * the two changes measured together.
     */
    static final class LogCounts {
        final Counts bySeverity;
        final Counts byKind;
        final Counts byTemplate;

        /** The counts {@code acc} holds. */
        LogCounts(WindowAccumulator acc) {
            bySeverity = new Counts(acc.getLogsBySeverity());
            byKind = new Counts(acc.getLogsByKind());
            byTemplate = new Counts(acc.getLogsByTemplate());
        }

        /** Writes the counts changed since the last call into {@code acc}. */
        void encodeInto(WindowAccumulator acc) {
            bySeverity.encodeInto(acc.getLogsBySeverity());
            byKind.encodeInto(acc.getLogsByKind());
            byTemplate.encodeInto(acc.getLogsByTemplate());
        }
    }

    /** Counts by key; a count is a one-element array, so that counting writes no reference. */
    static final class Counts {
        /** Made on first use: most windows have no logs of most kinds. */
        private Map<String, long[]> counts;
        private boolean changed;

        Counts(Map<String, Long> stored) {
            stored.forEach((key, count) -> counts().put(key, new long[] {count}));
        }

        private Map<String, long[]> counts() {
            if (counts == null) {
                counts = new HashMap<>();
            }
            return counts;
        }

        void add(String key) {
            long[] count = counts().get(key);
            if (count == null) {
                counts.put(key, new long[] {1});
            } else {
                count[0]++;
            }
            changed = true;
        }

        /** {@code key}, or {@link ServiceWindow#OTHER} once {@code cap} keys are counted, "(other)" included. */
        String capped(String key, int cap) {
            return counts != null && counts.containsKey(key) ? key : ServiceWindow.capped(size(), key, cap);
        }

        int size() {
            return counts == null ? 0 : counts.size();
        }

        int prefetch(String key) {
            long[] count = counts == null ? null : counts.get(key);
            return count == null ? 0 : (int) count[0];
        }

        void encodeInto(Map<String, Long> stored) {
            if (changed) {
                counts.forEach((key, count) -> stored.put(key, count[0]));
                changed = false;
            }
        }
    }

    private static void addMetric(WindowAccumulator acc, MetricSample sample) {
        ResourceMetric.of(sample.getName()).ifPresent(metric -> {
            String instance = capped(acc.getResources(), sample.getInstance() == null ? OTHER : sample.getInstance(), MAX_INSTANCES);
            InstanceResources r = acc.getResources().computeIfAbsent(instance, ServiceWindow::emptyResources);
            double ratio = ResourceMetric.ratio(sample.getValue(), sample.getUnit());
            // Written only when the maximum grows: a new Double stored into a window that left the young generation
            // dirties a card the young collections scan, and the maximum rarely changes after a window's first samples.
            switch (metric) {
                case CPU -> raise(r.getCpuMax(), ratio, r::setCpuMax);
                case MEMORY -> raise(r.getMemoryMax(), ratio, r::setMemoryMax);
                case DISK -> raise(r.getDiskMax(), ratio, r::setDiskMax);
            }
        });
    }

    private static void addLog(WindowAccumulator acc, ClassifiedLog log, LogCounts logCounts) {
        logCounts.bySeverity.add(log.getLogSeverity().name());
        String kind = log.getKind().name();
        logCounts.byKind.add(kind);
        List<String> samples = acc.getSampleLogs().computeIfAbsent(kind, k -> new ArrayList<>());
        if (samples.size() < MAX_SAMPLES_PER_KIND) {
            String body = log.getBody();
            samples.add(body.length() > MAX_SAMPLE_CHARS ? body.substring(0, MAX_SAMPLE_CHARS) : body);
        }
        if (log.getTraceId() != null && acc.getErrorTraceIds().size() < MAX_TRACE_IDS) {
            acc.getErrorTraceIds().add(log.getTraceId());
        }
        if (log.getTemplateId() != null) {
            logCounts.byTemplate.add(logCounts.byTemplate.capped(log.getTemplateId(), MAX_TEMPLATES));
            if (log.getNewTemplate() && acc.getNewTemplates().size() < MAX_NEW_TEMPLATES) {
                acc.getNewTemplates().putIfAbsent(log.getTemplateId(), firstLine(log.getBody()));
            }
        }
    }

    private static String firstLine(String body) {
        int end = body.indexOf('\n');
        String line = end < 0 ? body : body.substring(0, end);
        return line.length() > MAX_SAMPLE_CHARS ? line.substring(0, MAX_SAMPLE_CHARS) : line;
    }

    /**
     * The service's latency is the merge of its operations' sketches (every request is in exactly
     * one, "(other)" included; merging DDSketches of one mapping is exact), so a request updates
     * and encodes one sketch, not two. {@code acc.latency}, written by earlier versions, is unused.
     */
    public static ClosedWindow close(WindowAccumulator acc, String service, Instant start, Instant end, String version) {
        return new OpenWindow(acc).close(service, start, end, version);
    }

    static ClosedWindow close(WindowAccumulator acc, Operations operations, String service, Instant start, Instant end, String version) {
        Map<String, LatencySketch> opLatency = new TreeMap<>();
        LatencySketch latency = null;
        for (Map.Entry<String, OperationAccumulator> op : acc.getOperations().entrySet()) {
            LatencySketch sketch = operations.sketchOf(op.getKey(), op.getValue());
            if (sketch != null) {
                opLatency.put(op.getKey(), sketch);
                latency = latency == null ? new LatencySketch() : latency;
                latency.merge(sketch);
            }
        }
        WindowStats stats = stats(service, null, start, end, version, acc.getRequestCount(), acc.getErrorCount(), latency);
        stats.setResources(new ArrayList<>(new TreeMap<>(acc.getResources()).values()));
        stats.setLogsBySeverity(new HashMap<>(acc.getLogsBySeverity()));
        stats.setLogsByKind(new HashMap<>(acc.getLogsByKind()));
        stats.setLogsByTemplate(new HashMap<>(acc.getLogsByTemplate()));
        List<WindowStats> operationStats = new ArrayList<>();
        new TreeMap<>(acc.getOperations()).forEach((operation, op) -> operationStats.add(
            stats(service, operation, start, end, version, op.getRequestCount(), op.getErrorCount(), opLatency.get(operation))));
        return new ClosedWindow(stats, operationStats, Map.copyOf(acc.getSampleLogs()), List.copyOf(acc.getErrorTraceIds()),
            new java.util.TreeMap<>(acc.getNewTemplates()));
    }

    private static WindowStats stats(String service, String operation, Instant start, Instant end, String version,
                                     long requests, long errors, LatencySketch latency) {
        double seconds = Math.max(1, end.toEpochMilli() - start.toEpochMilli()) / 1000.0;
        WindowStats.Builder stats = WindowStats.newBuilder()
            .setAnalyzerVersion(version).setEventTime(end).setService(service).setOperation(operation)
            .setWindowStart(start).setWindowEnd(end)
            .setRequestCount(requests).setErrorCount(errors)
            .setErrorRate(requests == 0 ? 0 : (double) errors / requests)
            .setThroughput(requests / seconds);
        if (latency != null) {
            stats.setLatencyP50Ms(latency.quantile(0.50)).setLatencyP95Ms(latency.quantile(0.95))
                .setLatencyP99Ms(latency.quantile(0.99)).setLatencyMaxMs(latency.max());
        }
        return stats.build();
    }

    /** The largest CPU, memory and disk of any instance in the window. */
    public static Double maxCpu(WindowStats stats) {
        return stats.getResources().stream().map(InstanceResources::getCpuMax).filter(v -> v != null).max(Double::compare).orElse(null);
    }

    public static Double maxMemory(WindowStats stats) {
        return stats.getResources().stream().map(InstanceResources::getMemoryMax).filter(v -> v != null).max(Double::compare).orElse(null);
    }

    public static Double maxDisk(WindowStats stats) {
        return stats.getResources().stream().map(InstanceResources::getDiskMax).filter(v -> v != null).max(Double::compare).orElse(null);
    }

    private static <V> String capped(Map<String, V> map, String key, int cap) {
        return map.containsKey(key) ? key : capped(map.size(), key, cap);
    }

    /** A key not yet among {@code size} others: itself while there is room beside "(other)". */
    private static String capped(int size, String key, int cap) {
        return size < cap - 1 ? key : OTHER;
    }

    /** Sets {@code value} as the maximum if there is none yet or it is larger. */
    private static void raise(Double max, double value, java.util.function.DoubleConsumer setMax) {
        if (max == null || value > max) {
            setMax.accept(value);
        }
    }

    private static byte[] toArray(java.nio.ByteBuffer buffer) {
        java.nio.ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
