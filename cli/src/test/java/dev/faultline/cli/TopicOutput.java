package dev.faultline.cli;

import org.apache.avro.generic.GenericRecord;

/** One record read from an output topic: the topic's role, its key (hex) and its decoded value. */
record TopicOutput(String role, String key, GenericRecord value) {
    static final String FAULT_EVENTS = "fault-events";
    static final String DEGRADATION_CHANGES = "degradation-changes";
    static final String WINDOW_STATS = "window-stats";
    static final String CLASSIFIED_LOGS = "classified-logs";
    static final String DEAD_LETTERS = "dead-letters";

    /** What the record is about (topic, key, event time, operation, type), whatever its content. */
    String about() {
        return role + " " + key + " " + time() + " " + field("operation") + " " + field("type");
    }

    /** What it is about and its content: equal lines are the same record. */
    String line() {
        return about() + "\t" + value;
    }

    String service() {
        return String.valueOf(value.get("service"));
    }

    long time() {
        return (Long) value.get("eventTime");
    }

    /** A fault event or degradation change: a decision taken on the windows closed so far. */
    boolean decision() {
        return role.equals(FAULT_EVENTS) || role.equals(DEGRADATION_CHANGES);
    }

    private Object field(String name) {
        return value.getSchema().getField(name) == null ? "" : value.get(name);
    }
}
