package dev.faultline.topology.errors;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.faultline.schema.DeadLetterReason;

/**
 * Dead letters counted by reason and source topic. Process-wide because Kafka Streams
 * instantiates the exception handlers itself; the metrics endpoint reads it.
 */
public final class DeadLetterMetrics {
    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    private DeadLetterMetrics() {
    }

    static void count(DeadLetterReason reason, String sourceTopic) {
        COUNTS.computeIfAbsent(reason + "|" + sourceTopic, k -> new LongAdder()).increment();
    }

    /** Counts by "REASON|topic". */
    public static Map<String, Long> snapshot() {
        Map<String, Long> snapshot = new TreeMap<>();
        COUNTS.forEach((k, v) -> snapshot.put(k, v.sum()));
        return snapshot;
    }

    public static double count(String reason, String topic) {
        LongAdder adder = COUNTS.get(reason + "|" + topic);
        return adder == null ? 0 : adder.sum();
    }

    public static long total(DeadLetterReason reason) {
        return COUNTS.entrySet().stream().filter(e -> e.getKey().startsWith(reason + "|")).mapToLong(e -> e.getValue().sum()).sum();
    }
}
