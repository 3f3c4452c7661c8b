package dev.faultline.topology.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;

import dev.faultline.schema.LogSeverity;
import dev.faultline.topology.AnalyzerDriver;

/**
 * A rough figure, not a benchmark with a baseline: records per second through the whole
 * topology in a TopologyTestDriver, with a mixed stream (70 % requests, 20 % logs, 10 %
 * metric samples) over a number of services. Run:
 * {@code mvn -pl topology exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.faultline.topology.bench.DriverThroughput -Dexec.args="1000000 200"}
 */
public final class DriverThroughput {
    private DriverThroughput() {
    }

    public static void main(String[] args) {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int services = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        String guarantee = args.length > 2 ? args[2] : "exactly_once_v2";
        Random random = new Random(7);
        Instant start = AnalyzerDriver.T0;
        try (AnalyzerDriver analyzer = new AnalyzerDriver(Map.of("processing.guarantee", guarantee), start)) {
            long began = System.nanoTime();
            for (int i = 0; i < records; i++) {
                // 2 000 records per second of event time, so windows close as the stream goes on.
                Instant time = start.plusMillis(i / 2);
                String service = "svc-" + random.nextInt(services);
                int kind = random.nextInt(10);
                if (kind < 7) {
                    analyzer.request(service, time, random.nextDouble() < 0.02, 5 + random.nextDouble() * 100);
                } else if (kind < 9) {
                    analyzer.log(service, random.nextBoolean() ? LogSeverity.INFO : LogSeverity.ERROR,
                        random.nextBoolean() ? "java.net.SocketTimeoutException: Read timed out" : "request handled", time);
                } else {
                    analyzer.metric(service, service + "-1", "system.cpu.utilization", random.nextDouble(), "1", time);
                }
                if (i % 100_000 == 99_999) {
                    System.out.printf("%,d records, %.0f records/s%n", i + 1, (i + 1) / ((System.nanoTime() - began) / 1e9));
                }
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            System.out.printf("%s: %,d records over %d services in %.1f s: %.0f records/s (%d windows out)%n",
                guarantee, records, services, seconds, records / seconds, analyzer.allWindows().size());
        }
    }
}
