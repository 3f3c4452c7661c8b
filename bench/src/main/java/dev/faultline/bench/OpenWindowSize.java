package dev.faultline.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.faultline.schema.ClassifiedLog;
import dev.faultline.schema.FaultCategory;
import dev.faultline.schema.FaultKind;
import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.Severity;
import dev.faultline.topology.domain.OpenWindow;

/**
 * Heap held per decoded open window, the figure to plan an instance's heap with (README,
 * Guarantees and memory): {@code --windows} windows, each filled with {@code --signals} signals
 * as the load benchmark's services fill theirs after classification (in every 67: 47 requests
 * over two operations, 8 INFO logs counted by severity, 5 classified ERROR logs of two
 * templates, 7 CPU samples), then, with {@code --written true}, encoded as the windows store
 * writes a snapshot. Heap in use after collections, before and after, over the windows.
 *
 * <pre>mvn -B -q -pl bench exec:java -Dexec.mainClass=dev.faultline.bench.OpenWindowSize -Dexec.args="--signals 67 --written true"</pre>
 */
public final class OpenWindowSize {
    private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");

    private OpenWindowSize() {
    }

    public static void main(String[] args) {
        int windows = 20_000;
        int signals = 67;
        boolean written = false;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--windows" -> windows = Integer.parseInt(args[i + 1]);
                case "--signals" -> signals = Integer.parseInt(args[i + 1]);
                case "--written" -> written = Boolean.parseBoolean(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; known: --windows, --signals, --written");
            }
        }
        Random random = new Random(42);
        long before = heapInUse();
        List<OpenWindow> open = new ArrayList<>(windows);
        for (int w = 0; w < windows; w++) {
            OpenWindow window = OpenWindow.empty();
            for (int i = 0; i < signals; i++) {
                window.add(signal("svc-" + w, i % 67, random), T0.toEpochMilli() + i);
            }
            if (written) {
                window.encoded();
            }
            open.add(window);
        }
        long after = heapInUse();
        System.out.printf("%,d open windows of %d signals%s: %,.0f bytes each%n", open.size(), signals, written ? ", written" : "",
            (after - before) / (double) open.size());
    }

    private static Object signal(String service, int slot, Random random) {
        if (slot < 47) {
            return MixedStream.request(random, service, T0);
        }
        if (slot < 55) {
            return LogSeverity.INFO;
        }
        if (slot < 60) {
            boolean timeout = random.nextBoolean();
            return ClassifiedLog.newBuilder().setAnalyzerVersion("bench").setEventTime(T0).setService(service).setLogSeverity(LogSeverity.ERROR)
                .setCategory(FaultCategory.NETWORK).setKind(timeout ? FaultKind.CONNECTION_TIMEOUT : FaultKind.CONNECTION_REFUSED)
                .setSeverity(Severity.HIGH)
                .setBody(timeout ? "java.net.SocketTimeoutException: Read timed out" : "org.postgresql.util.PSQLException: Connection refused")
                .setTemplateId(timeout ? "1a2b3c4d-5e6f" : "6f5e4d3c-2b1a").build();
        }
        return MixedStream.cpuSample(random, service, T0);
    }

    private static long heapInUse() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
