package dev.faultline.topology.errors;

/** A record that deserialized but is not valid telemetry; the processing handler dead-letters it. */
public final class InvalidRecordException extends RuntimeException {
    public InvalidRecordException(String message) {
        super(message);
    }
}
