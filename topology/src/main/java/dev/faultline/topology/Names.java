package dev.faultline.topology;

/**
 * Stable names of the topology's processors, stores and internal topics. Kafka Streams
 * derives changelog and repartition topic names from them, so renaming one orphans its
 * state on upgrade: {@code AnalyzerTopologyTest} pins them. Shared with the query layer.
 */
public final class Names {
    public static final String REQUESTS_SOURCE = "requests-source";
    public static final String REQUESTS_KEYED_BY_SERVICE = "requests-keyed-by-service";
    /** Repartition topic: {@code <application.id>-requests-by-service-repartition}. */
    public static final String REQUESTS_BY_SERVICE = "requests-by-service";
    public static final String REQUEST_STATS_AGGREGATE = "request-stats-aggregate";
    /** Window store of per-service request statistics; changelog {@code <application.id>-request-stats-changelog}. */
    public static final String REQUEST_STATS_STORE = "request-stats";
    public static final String REQUEST_STATS_CLOSED = "request-stats-closed";
    public static final String REQUEST_STATS_FINAL = "request-stats-final";
    public static final String WINDOW_STATS_SINK = "window-stats-sink";

    private Names() {
    }
}
