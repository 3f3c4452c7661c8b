package dev.faultline.topology.api;

import java.util.Comparator;

import com.fasterxml.jackson.databind.JsonNode;

import dev.faultline.schema.DegradationLevel;
import dev.faultline.schema.Severity;

/** Services as an on-call engineer wants them: worst first (level, then worst fault, then fault count), then by name. */
final class ServiceOrder {
    static final Comparator<JsonNode> MOST_SEVERE_FIRST = Comparator
        .comparingInt((JsonNode s) -> -DegradationLevel.valueOf(s.path("level").asText("NONE")).ordinal())
        .thenComparingInt(s -> s.path("worstSeverity").isTextual() ? Severity.valueOf(s.path("worstSeverity").asText()).ordinal() : Integer.MAX_VALUE)
        .thenComparingInt(s -> -s.path("activeFaults").asInt())
        .thenComparing(s -> s.path("service").asText());

    private ServiceOrder() {
    }
}
