package dev.faultline.serde;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;

/**
 * In-process registries for tests, addressed as {@code schema.registry.url=mock://scope}
 * the way Confluent's serdes do: every serde configured with the same scope shares one
 * registry until {@link #dropScope(String)}.
 */
public final class MockSchemaRegistry {
    public static final String URL_PREFIX = "mock://";

    private static final Map<String, SchemaRegistryStore> SCOPES = new ConcurrentHashMap<>();

    private MockSchemaRegistry() {
    }

    public static SchemaRegistryClient client(String scope) {
        return new Client(SCOPES.computeIfAbsent(scope, s -> new SchemaRegistryStore()));
    }

    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    private record Client(SchemaRegistryStore store) implements SchemaRegistryClient {
        @Override
        public int register(String subject, Schema schema) {
            return store.register(subject, schema.toString()).id();
        }

        @Override
        public RegisteredSchema lookup(String subject, Schema schema) {
            return store.lookup(subject, schema.toString());
        }

        @Override
        public Schema schemaById(int id) {
            return store.schemaById(id);
        }

        @Override
        public RegisteredSchema latest(String subject) {
            return store.version(subject, "latest");
        }

        @Override
        public List<String> subjects() {
            return store.subjects();
        }

        @Override
        public List<String> compatibilityProblems(String subject, Schema schema) {
            return store.compatibilityProblems(subject, schema);
        }
    }
}
