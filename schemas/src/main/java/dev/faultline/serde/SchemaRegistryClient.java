package dev.faultline.serde;

import java.io.Closeable;
import java.util.List;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API that serializers and operators use.
 * Failures are {@link SchemaRegistryException}s carrying Confluent's error codes.
 */
public interface SchemaRegistryClient extends Closeable {

    /** Registers the schema under the subject (or finds it there already) and returns its id. */
    int register(String subject, Schema schema);

    /** The id of a schema already registered under the subject; 40401/40403 when it is not. */
    RegisteredSchema lookup(String subject, Schema schema);

    /** The schema with this global id; 40403 when unknown. */
    Schema schemaById(int id);

    /** The latest version registered under the subject; 40401 when none. */
    RegisteredSchema latest(String subject);

    List<String> subjects();

    /** Problems that would make {@code schema} rejected under the subject's compatibility level; empty when compatible. */
    List<String> compatibilityProblems(String subject, Schema schema);

    @Override
    default void close() {
    }
}
