package dev.faultline.topology.domain;

import java.time.Instant;

import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;
import dev.faultline.schema.WindowStats;

/**
 * Folds the requests of one service's window into its statistics. Plain Java on the Avro
 * records, so it is tested without Kafka.
 */
public final class RequestStats {
    private RequestStats() {
    }

    /** A failed request: an ERROR span status, or with UNSET status a 5xx HTTP answer or a non-OK RPC code. */
    public static boolean isError(RequestEvent request) {
        if (request.getStatus() != SpanStatus.UNSET) {
            return request.getStatus() == SpanStatus.ERROR;
        }
        Integer http = request.getHttpStatus();
        String rpc = request.getRpcCode();
        return (http != null && http >= 500) || (rpc != null && !rpc.equals("OK"));
    }

    public static WindowStats empty() {
        return WindowStats.newBuilder()
            .setAnalyzerVersion("").setEventTime(Instant.EPOCH).setService("")
            .setWindowStart(Instant.EPOCH).setWindowEnd(Instant.EPOCH)
            .setRequestCount(0).setErrorCount(0).setErrorRate(0).setThroughput(0)
            .build();
    }

    public static WindowStats add(WindowStats stats, RequestEvent request) {
        stats.setService(request.getService());
        stats.setRequestCount(stats.getRequestCount() + 1);
        if (isError(request)) {
            stats.setErrorCount(stats.getErrorCount() + 1);
        }
        Double max = stats.getLatencyMaxMs();
        stats.setLatencyMaxMs(max == null ? request.getDurationMs() : Math.max(max, request.getDurationMs()));
        return stats;
    }

    /** The statistics of a closed window, with its bounds and derived rates. */
    public static WindowStats close(WindowStats stats, Instant start, Instant end, String analyzerVersion) {
        double seconds = Math.max(1, end.toEpochMilli() - start.toEpochMilli()) / 1000.0;
        long requests = stats.getRequestCount();
        return WindowStats.newBuilder(stats)
            .setAnalyzerVersion(analyzerVersion)
            .setEventTime(end)
            .setWindowStart(start)
            .setWindowEnd(end)
            .setErrorRate(requests == 0 ? 0 : (double) stats.getErrorCount() / requests)
            .setThroughput(requests / seconds)
            .build();
    }
}
