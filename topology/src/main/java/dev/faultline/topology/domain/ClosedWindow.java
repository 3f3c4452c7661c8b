package dev.faultline.topology.domain;

import java.util.List;
import java.util.Map;

import dev.faultline.schema.WindowStats;

/**
 * A closed window of one service: its statistics, per-operation statistics, evidence samples,
 * and the error templates first seen in it (id to first line).
 */
public record ClosedWindow(WindowStats stats, List<WindowStats> operations, Map<String, List<String>> sampleLogs, List<String> errorTraceIds,
                           Map<String, String> newTemplates) {
}
