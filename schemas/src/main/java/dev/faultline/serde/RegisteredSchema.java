package dev.faultline.serde;

import org.apache.avro.Schema;

/** A schema as registered under a subject: its global id and its version in the subject. */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {
}
