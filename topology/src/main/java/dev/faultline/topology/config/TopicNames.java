package dev.faultline.topology.config;

import java.util.List;

/** Names of the topics the analyzer reads and writes; configured, never written in topology code. */
public record TopicNames(
    String requests,
    String metrics,
    String logs,
    String faultEvents,
    String degradationChanges,
    String windowStats,
    String classifiedLogs,
    String deadLetters,
    String rules) {

    public List<String> inputs() {
        return List.of(requests, metrics, logs);
    }

    public List<String> outputs() {
        return List.of(faultEvents, degradationChanges, windowStats, classifiedLogs, deadLetters);
    }
}
