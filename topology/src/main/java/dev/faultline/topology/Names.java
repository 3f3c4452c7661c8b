package dev.faultline.topology;

/**
 * Stable names of the topology's processors, stores and internal topics. Kafka Streams
 * derives changelog and repartition topic names from them, so renaming one orphans its
 * state on upgrade: {@code AnalyzerTopologyTest} pins them. Shared with the query layer.
 */
public final class Names {
    public static final String REQUESTS_SOURCE = "requests-source";
    public static final String REQUESTS_VALIDATE = "requests-validate";
    public static final String METRICS_SOURCE = "metrics-source";
    public static final String METRICS_VALIDATE = "metrics-validate";
    public static final String LOGS_SOURCE = "logs-source";
    public static final String LOGS_VALIDATE = "logs-validate";
    public static final String LOGS_CLASSIFY = "logs-classify";
    public static final String CLASSIFIED_LOGS_ONLY = "classified-logs-only";
    public static final String CLASSIFIED_LOGS_SINK = "classified-logs-sink";

    public static final String RULES_SOURCE = "classification-rules-source";
    public static final String RULES_UPDATER = "classification-rules-updater";
    /** Global store of the published rule set (from the compacted rules topic). */
    public static final String CLASSIFICATION_RULES_STORE = "classification-rules";

    public static final String SIGNALS_MERGE_METRICS = "signals-merge-metrics";
    public static final String SIGNALS_MERGE_LOGS = "signals-merge-logs";
    public static final String SIGNALS_KEYED = "signals-keyed-by-service";
    /**
     * Instead of the repartition, with {@code analyzer.input.keyed-by-service} {@code auto} or {@code true}: signals kept
     * where they were read when that is their service's partition.
     */
    public static final String SIGNALS_IN_PLACE = "signals-in-service-partition";
    /** With {@code analyzer.input.keyed-by-service=false}, the repartition: {@code <application.id>-signals-by-service-repartition}. */
    public static final String SIGNALS_BY_SERVICE = "signals-by-service";
    /** With {@code auto}: the sink and source of the detour through {@link #detourTopic}, and where its records join the others. */
    public static final String SIGNALS_DETOUR_SINK = "signals-detour-sink";
    public static final String SIGNALS_DETOUR_SOURCE = "signals-detour-source";
    public static final String SIGNALS_MERGE_DETOUR = "signals-merge-detour";
    /** When each service was last seen, and its liveness; changelog {@code <application.id>-service-heartbeats-changelog}. */
    public static final String SERVICE_HEARTBEATS_STORE = "service-heartbeats";
    public static final String TEMPLATES = "log-templates-miner";
    /** Mined log templates per service; changelog {@code <application.id>-log-templates-changelog}. */
    public static final String LOG_TEMPLATES_STORE = "log-templates";
    public static final String SERVICE_WINDOWS_AGGREGATE = "service-windows-aggregate";
    /** Open windows per service; changelog {@code <application.id>-service-windows-changelog}. */
    public static final String SERVICE_WINDOWS_STORE = "service-windows";
    public static final String HEALTH = "service-health-evaluator";
    /** Health per service (faults, level, liveness); changelog {@code <application.id>-service-health-changelog}. */
    public static final String SERVICE_HEALTH_STORE = "service-health";
    /**
     * Closed service windows kept for queries; changelog {@code <application.id>-service-window-history-changelog}.
     * A key-value store (see {@code ServiceHistory}); the window store it replaced was named {@code window-history}.
     */
    public static final String WINDOW_HISTORY_STORE = "service-window-history";
    /**
     * Fault events kept for queries, by service; changelog {@code <application.id>-service-fault-history-changelog}.
     * A key-value store; the window store it replaced was named {@code fault-history}.
     */
    public static final String FAULT_HISTORY_STORE = "service-fault-history";
    public static final String HEALTH_OUTPUT = "health-output-";
    public static final String FAULT_EVENTS_BRANCH = "fault-events";
    public static final String DEGRADATION_CHANGES_BRANCH = "degradation-changes";
    public static final String WINDOW_STATS_BRANCH = "window-stats";
    public static final String FAULT_EVENTS_KEYED = "fault-events-keyed";
    public static final String FAULT_EVENTS_SINK = "fault-events-sink";
    public static final String DEGRADATION_CHANGES_AS_RECORDS = "degradation-changes-as-records";
    public static final String DEGRADATION_CHANGES_SINK = "degradation-changes-sink";
    public static final String WINDOW_STATS_AS_RECORDS = "window-stats-as-records";
    public static final String WINDOW_STATS_SINK = "window-stats-sink";

    /**
     * The detour's topic: the repartition's own, which holds records in the same form (keyed by service, partitioned as
     * a producer keying by service would, the input bytes as read), so an application switching between
     * {@code false} and {@code auto} reads on where it stopped.
     */
    public static String detourTopic(String applicationId) {
        return applicationId + "-" + SIGNALS_BY_SERVICE + "-repartition";
    }

    private Names() {
    }
}
