package dev.faultline.generator;

import java.util.List;

/**
 * One simulated service at baseline: request rate, median latency, error rate, the services
 * it calls, its operations, and resource utilizations (0..1) of each instance.
 */
public record ServiceProfile(String name, double requestsPerSecond, double medianLatencyMs, double errorRate, int instances,
                             List<String> calls, List<String> operations, double cpu, double memory, double disk) {

    public String instance(int index) {
        return name + "-" + (index + 1);
    }
}
