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

    public static WindowAccumulator add(WindowAccumulator acc, Object signal) {
        Operations operations = new Operations(acc.getOperations());
        add(acc, signal, operations);
        operations.encodeInto();
        return acc;
    }

    /**
     * As {@link #add(WindowAccumulator, Object)}, with the window's operations indexed in {@code operations} (which must
     * be {@code acc}'s) and their latency sketches updated there only: {@code acc} holds them once
     * {@link Operations#encodeInto} has run. See {@link OpenWindow}.
     */
    static WindowAccumulator add(WindowAccumulator acc, Object signal, Operations operations) {
        if (signal instanceof RequestEvent request) {
            addRequest(acc, request, operations);
        } else if (signal instanceof MetricSample sample) {
            addMetric(acc, sample);
        } else if (signal instanceof ClassifiedLog log) {
            addLog(acc, log);
        } else if (signal instanceof LogSeverity severity) {
            acc.getLogsBySeverity().merge(severity.name(), 1L, Long::sum);
        }
        return acc;
    }

    /**
     * Reads what {@link #add} will for {@code signal}, changing nothing; the value means nothing. For a request, its
     * operation and that operation's sketch; {@link #prefetchBins} goes one level further.
     */
    static int prefetch(WindowAccumulator acc, Object signal, Operations operations) {
        if (signal instanceof RequestEvent request) {
            return operations.prefetch(request.getOperation());
        } else if (signal instanceof MetricSample sample) {
            InstanceResources r = sample.getInstance() == null ? null : acc.getResources().get(sample.getInstance());
            return r == null || r.getCpuMax() == null ? 0 : 1;
        } else if (signal instanceof ClassifiedLog log) {
            return count(acc.getLogsByKind(), log.getKind().name()) + count(acc.getLogsBySeverity(), log.getLogSeverity().name())
                + acc.getLogsByTemplate().size();
        } else if (signal instanceof LogSeverity severity) {
            return count(acc.getLogsBySeverity(), severity.name());
        }
        return 0;
    }

    private static int count(Map<String, Long> counts, String key) {
        Long count = counts.get(key);
        return count == null ? 0 : count.intValue();
    }

    /** Reads the latency bins a request will update, once {@link #prefetch} has run for it; the value means nothing. */
    static int prefetchBins(Object signal, Operations operations) {
        return signal instanceof RequestEvent request ? operations.prefetchBins(request.getOperation()) : 0;
    }

    private static void addRequest(WindowAccumulator acc, RequestEvent request, Operations operations) {
        boolean error = RequestStats.isError(request);
        acc.setRequestCount(acc.getRequestCount() + 1);
        acc.setErrorCount(acc.getErrorCount() + (error ? 1 : 0));
        Operations.Operation op = operations.ofRequest(acc.getOperations(), request.getOperation());
        op.stored.setRequestCount(op.stored.getRequestCount() + 1);
        op.stored.setErrorCount(op.stored.getErrorCount() + (error ? 1 : 0));
        op.addLatency(request.getDurationMs());
        if (error && request.getTraceId() != null && acc.getErrorTraceIds().size() < MAX_TRACE_IDS) {
            acc.getErrorTraceIds().add(request.getTraceId());
        }
    }

    /**
     * The operations of one open window, indexed beside the accumulator's map of them, with their latency sketches
     * decoded on first use. Why not the map: with 100,000 services a request's window is rarely in the processor's
     * caches, and a map lookup is a chain of dependent loads (table, node, key, key's bytes, value) for the operation
     * and another for its sketch. Here a scan of the names' hashes (a window has a few operations, 100 at most) finds one
     * object that holds both, so the windows store can
     * load a batch of requests' operations in one stage and their sketches' bins in the next.
     */
    static final class Operations {
        private static final int[] NO_HASHES = new int[0];
        private static final Operation[] NO_OPERATIONS = new Operation[0];

        private int[] hashes = NO_HASHES;
        private Operation[] operations = NO_OPERATIONS;
        private int size;

        /** One operation: what the accumulator stores of it, and its sketch. */
        static final class Operation {
            final String name;
            final OperationAccumulator stored;
            /** Decoded from {@code stored} on first use; null until then. */
            private LatencySketch sketch;
            /**
             * Whether the sketch changed since it was last encoded into {@code stored}: a flag rather than a set of
             * changed operations, so a request writes no reference into a window that has long left the young
             * generation, which the collector would have to scan.
             */
            private boolean changed;

            Operation(String name, OperationAccumulator stored) {
                this.name = name;
                this.stored = stored;
            }

            void addLatency(double millis) {
                sketch().add(millis);
                changed = true;
            }

            LatencySketch sketch() {
                if (sketch == null) {
                    sketch = stored.getLatency() == null ? new LatencySketch() : LatencySketch.fromBytes(toArray(stored.getLatency()));
                }
                return sketch;
            }

            /** The sketch if the operation has latencies, null if it has none. */
            LatencySketch sketchIfAny() {
                return sketch != null || stored.getLatency() != null ? sketch() : null;
            }
        }

        /** Indexes {@code stored}, an accumulator's operations. */
        Operations(Map<String, OperationAccumulator> stored) {
            stored.forEach(this::append);
        }

        int size() {
            return size;
        }

        /** Loads the hashes a lookup scans; the value means nothing. */
        int prefetch() {
            return size == 0 ? 0 : hashes[0];
        }

        /** Loads the operation named so, if any, its name and its sketch; the value means nothing. */
        int prefetch(String name) {
            Operation op = probable(name.hashCode());
            return op == null ? 0 : op.name.length() + (int) op.stored.getRequestCount() + (op.sketch == null ? 0 : (int) op.sketch.max());
        }

        /** Loads the sketch bins of the operation named so, if any; the value means nothing. */
        int prefetchBins(String name) {
            Operation op = probable(name.hashCode());
            return op == null || op.sketch == null ? 0 : op.sketch.prefetch();
        }

        /** The first operation whose name has this hash, or null: what a lookup most likely finds. */
        private Operation probable(int hash) {
            for (int i = 0; i < size; i++) {
                if (hashes[i] == hash) {
                    return operations[i];
                }
            }
            return null;
        }

        Operation find(String name) {
            int hash = name.hashCode();
            for (int i = 0; i < size; i++) {
                if (hashes[i] == hash && operations[i].name.equals(name)) {
                    return operations[i];
                }
            }
            return null;
        }

        /** The operation a request named so counts in, added to {@code stored} (the accumulator's) if new: "(other)" past the cap. */
        Operation ofRequest(Map<String, OperationAccumulator> stored, String name) {
            Operation op = find(name);
            String counted = name;
            if (op == null && size >= MAX_OPERATIONS - 1) {
                counted = OTHER;
                op = find(OTHER);
            }
            if (op == null) {
                OperationAccumulator added = emptyOperation();
                stored.put(counted, added);
                op = append(counted, added);
            }
            return op;
        }

        private Operation append(String name, OperationAccumulator stored) {
            if (size == operations.length) {
                hashes = java.util.Arrays.copyOf(hashes, Math.max(4, 2 * size));
                operations = java.util.Arrays.copyOf(operations, hashes.length);
            }
            Operation op = new Operation(name, stored);
            hashes[size] = name.hashCode();
            operations[size++] = op;
            return op;
        }

        /** Writes every sketch changed since the last call into its operation's stored form. */
        void encodeInto() {
            for (int i = 0; i < size; i++) {
                Operation op = operations[i];
                if (op.changed) {
                    op.stored.setLatency(java.nio.ByteBuffer.wrap(op.sketch.toBytes()));
                    op.changed = false;
                }
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

    private static void addLog(WindowAccumulator acc, ClassifiedLog log) {
        acc.getLogsBySeverity().merge(log.getLogSeverity().name(), 1L, Long::sum);
        String kind = log.getKind().name();
        acc.getLogsByKind().merge(kind, 1L, Long::sum);
        List<String> samples = acc.getSampleLogs().computeIfAbsent(kind, k -> new ArrayList<>());
        if (samples.size() < MAX_SAMPLES_PER_KIND) {
            String body = log.getBody();
            samples.add(body.length() > MAX_SAMPLE_CHARS ? body.substring(0, MAX_SAMPLE_CHARS) : body);
        }
        if (log.getTraceId() != null && acc.getErrorTraceIds().size() < MAX_TRACE_IDS) {
            acc.getErrorTraceIds().add(log.getTraceId());
        }
        if (log.getTemplateId() != null) {
            acc.getLogsByTemplate().merge(capped(acc.getLogsByTemplate(), log.getTemplateId(), MAX_TEMPLATES), 1L, Long::sum);
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
        return close(acc, new Operations(acc.getOperations()), service, start, end, version);
    }

    static ClosedWindow close(WindowAccumulator acc, Operations indexed, String service, Instant start, Instant end, String version) {
        Map<String, LatencySketch> opLatency = new TreeMap<>();
        LatencySketch latency = null;
        for (String operation : acc.getOperations().keySet()) {
            LatencySketch sketch = indexed.find(operation).sketchIfAny();
            if (sketch != null) {
                opLatency.put(operation, sketch);
                latency = latency == null ? new LatencySketch() : latency;
                latency.merge(sketch);
            }
        }
        WindowStats stats = stats(service, null, start, end, version, acc.getRequestCount(), acc.getErrorCount(), latency);
        stats.setResources(new ArrayList<>(new TreeMap<>(acc.getResources()).values()));
        stats.setLogsBySeverity(new HashMap<>(acc.getLogsBySeverity()));
        stats.setLogsByKind(new HashMap<>(acc.getLogsByKind()));
        stats.setLogsByTemplate(new HashMap<>(acc.getLogsByTemplate()));
        List<WindowStats> operations = new ArrayList<>();
        new TreeMap<>(acc.getOperations()).forEach((operation, op) ->
            operations.add(stats(service, operation, start, end, version, op.getRequestCount(), op.getErrorCount(), opLatency.get(operation))));
        return new ClosedWindow(stats, operations, Map.copyOf(acc.getSampleLogs()), List.copyOf(acc.getErrorTraceIds()),
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
        return map.containsKey(key) || map.size() < cap - 1 ? key : OTHER;
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
