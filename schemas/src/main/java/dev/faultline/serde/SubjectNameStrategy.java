package dev.faultline.serde;

import java.util.Locale;

import org.apache.avro.Schema;

/**
 * How the subject a schema is registered under is named. Accepts Confluent's class names
 * ({@code io.confluent.kafka.serializers.subject.TopicNameStrategy}, ...) and the short
 * names, so existing configurations keep working.
 */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} / {@code <topic>-value}: one record type per topic (the default). */
    TOPIC_NAME,
    /** The record's full name: one record type across many topics. */
    RECORD_NAME,
    /** {@code <topic>-<record full name>}: many record types in one topic. */
    TOPIC_RECORD_NAME;

    public String subject(String topic, boolean isKey, Schema schema) {
        return switch (this) {
            case TOPIC_NAME -> topic + (isKey ? "-key" : "-value");
            case RECORD_NAME -> schema.getFullName();
            case TOPIC_RECORD_NAME -> topic + "-" + schema.getFullName();
        };
    }

    /** Parses a Confluent class name or a short name; null when not recognised. */
    static SubjectNameStrategy fromConfig(String value) {
        String simple = value.substring(value.lastIndexOf('.') + 1).trim();
        return switch (simple.toLowerCase(Locale.ROOT)) {
            case "topicnamestrategy", "topic_name" -> TOPIC_NAME;
            case "recordnamestrategy", "record_name" -> RECORD_NAME;
            case "topicrecordnamestrategy", "topic_record_name" -> TOPIC_RECORD_NAME;
            default -> null;
        };
    }
}
