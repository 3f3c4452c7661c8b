package dev.faultline.topology.domain;

import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;

/** What counts as a failed request. */
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
}
