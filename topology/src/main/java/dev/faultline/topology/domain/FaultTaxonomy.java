package dev.faultline.topology.domain;

import java.util.EnumMap;
import java.util.Map;

import dev.faultline.schema.FaultCategory;
import dev.faultline.schema.FaultKind;

/** Which category each fault kind belongs to (fault-model.md section 2). */
public final class FaultTaxonomy {
    private static final Map<FaultKind, FaultCategory> CATEGORIES = new EnumMap<>(FaultKind.class);

    static {
        put(FaultCategory.NETWORK, FaultKind.CONNECTION_TIMEOUT, FaultKind.CONNECTION_REFUSED, FaultKind.NETWORK_UNREACHABLE,
            FaultKind.DNS_RESOLUTION_FAILED, FaultKind.TLS_HANDSHAKE_FAILED);
        put(FaultCategory.PERFORMANCE, FaultKind.HIGH_LATENCY, FaultKind.LOW_THROUGHPUT, FaultKind.HIGH_ERROR_RATE,
            FaultKind.CPU_OVERLOAD, FaultKind.MEMORY_PRESSURE);
        put(FaultCategory.RESOURCE, FaultKind.DISK_SPACE_FULL, FaultKind.OUT_OF_MEMORY, FaultKind.RESOURCE_EXHAUSTED);
        put(FaultCategory.DATA, FaultKind.DATA_CORRUPTION, FaultKind.DATA_LOSS, FaultKind.SERIALIZATION_ERROR,
            FaultKind.VALIDATION_ERROR, FaultKind.FORMAT_ERROR);
        put(FaultCategory.CONFIGURATION, FaultKind.CONFIGURATION_ERROR, FaultKind.PERMISSION_DENIED);
        put(FaultCategory.AVAILABILITY, FaultKind.SERVICE_DOWN, FaultKind.NEW_ERROR_PATTERN);
        put(FaultCategory.UNKNOWN, FaultKind.UNCLASSIFIED);
    }

    private FaultTaxonomy() {
    }

    private static void put(FaultCategory category, FaultKind... kinds) {
        for (FaultKind kind : kinds) {
            CATEGORIES.put(kind, category);
        }
    }

    public static FaultCategory categoryOf(FaultKind kind) {
        return CATEGORIES.get(kind);
    }
}
