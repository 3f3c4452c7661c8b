package dev.faultline.serde;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Confluent Schema Registry compatibility levels, checked with Avro's own reader/writer
 * resolution rules. BACKWARD (the default) means consumers on the new schema can read
 * data written with the previous one.
 */
public enum CompatibilityLevel {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE;

    public static CompatibilityLevel parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL,
                "Invalid compatibility level. Valid values are none, backward, forward, full, "
                    + "backward_transitive, forward_transitive, and full_transitive");
        }
    }

    /**
     * Problems that make {@code candidate} incompatible with the existing versions, oldest
     * first; empty when compatible.
     */
    public List<String> check(Schema candidate, List<Schema> existingOldestFirst) {
        if (this == NONE || existingOldestFirst.isEmpty()) {
            return List.of();
        }
        List<Schema> against = name().endsWith("_TRANSITIVE")
            ? existingOldestFirst
            : List.of(existingOldestFirst.get(existingOldestFirst.size() - 1));
        boolean backward = this != FORWARD && this != FORWARD_TRANSITIVE;
        boolean forward = this != BACKWARD && this != BACKWARD_TRANSITIVE;
        List<String> problems = new ArrayList<>();
        for (Schema existing : against) {
            if (backward) {
                problems.addAll(incompatibilities(candidate, existing, "new schema cannot read data written with an existing one"));
            }
            if (forward) {
                problems.addAll(incompatibilities(existing, candidate, "an existing schema cannot read data written with the new one"));
            }
        }
        return problems;
    }

    private static List<String> incompatibilities(Schema reader, Schema writer, String direction) {
        SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        return result.getResult().getIncompatibilities().stream()
            .map(i -> direction + ": " + i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
            .toList();
    }
}
