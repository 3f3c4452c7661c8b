package dev.faultline.topology.domain;

import java.util.List;
import java.util.Map;

import dev.faultline.schema.WindowStats;

/** A closed window of one service: its statistics, per-operation statistics, and evidence samples. */
public record ClosedWindow(WindowStats stats, List<WindowStats> operations, Map<String, List<String>> sampleLogs, List<String> errorTraceIds) {
}
