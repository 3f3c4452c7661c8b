package dev.faultline.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The registry's state and rules, as Confluent Schema Registry applies them: one global id
 * per distinct schema, versions per subject, a compatibility check on registration
 * (BACKWARD unless configured), and Confluent's error codes. It backs both the
 * {@code mock://} client and the local registry server, so the two cannot drift apart.
 * Thread-safe; every method is short and holds the store's lock.
 */
public final class SchemaRegistryStore {

    /** One registration, as the local server persists it. */
    public record Registration(String subject, int version, int id, String schema) {
    }

    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByCanonical = new HashMap<>();
    private final Map<String, TreeMap<Integer, Integer>> versionsBySubject = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
    private int nextId = 1;

    public static Schema parse(String schemaText) {
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (SchemaParseException | NullPointerException e) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                "Invalid schema: " + (e.getMessage() == null ? "missing" : e.getMessage()), e);
        }
    }

    /** Registers (or finds) the schema under the subject; returns the registration. */
    public synchronized Registration register(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        Optional<Registration> existing = find(subject, schema);
        if (existing.isPresent()) {
            return existing.get();
        }
        List<String> problems = compatibilityProblems(subject, schema);
        if (!problems.isEmpty()) {
            throw new SchemaRegistryException(409, SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                    + "\", details: " + problems);
        }
        int id = idsByCanonical.computeIfAbsent(schema.toString(), k -> {
            schemasById.put(nextId, schema);
            return nextId++;
        });
        TreeMap<Integer, Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new TreeMap<>());
        int version = versions.isEmpty() ? 1 : versions.lastKey() + 1;
        versions.put(version, id);
        return new Registration(subject, version, id, schema.toString());
    }

    /** Replays a persisted registration, keeping its id and version. */
    public synchronized void restore(Registration registration) {
        Schema schema = parse(registration.schema());
        schemasById.put(registration.id(), schema);
        idsByCanonical.put(schema.toString(), registration.id());
        versionsBySubject.computeIfAbsent(registration.subject(), s -> new TreeMap<>())
            .put(registration.version(), registration.id());
        nextId = Math.max(nextId, registration.id() + 1);
    }

    public synchronized RegisteredSchema lookup(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        requireSubject(subject);
        return find(subject, schema)
            .map(r -> new RegisteredSchema(r.subject(), r.version(), r.id(), schema))
            .orElseThrow(() -> SchemaRegistryException.schemaNotFound("for subject '" + subject + "'"));
    }

    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw SchemaRegistryException.schemaNotFound(String.valueOf(id));
        }
        return schema;
    }

    /** Subject and version pairs that use the schema id. */
    public synchronized List<Map.Entry<String, Integer>> subjectVersionsForId(int id) {
        schemaById(id);
        List<Map.Entry<String, Integer>> uses = new ArrayList<>();
        versionsBySubject.forEach((subject, versions) -> versions.forEach((version, vid) -> {
            if (vid == id) {
                uses.add(Map.entry(subject, version));
            }
        }));
        return uses;
    }

    public synchronized List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    public synchronized List<Integer> versions(String subject) {
        return List.copyOf(requireSubject(subject).keySet());
    }

    /** A version by number or {@code latest} (also {@code -1}). */
    public synchronized RegisteredSchema version(String subject, String version) {
        TreeMap<Integer, Integer> versions = requireSubject(subject);
        int number;
        if ("latest".equals(version) || "-1".equals(version)) {
            number = versions.lastKey();
        } else {
            try {
                number = Integer.parseInt(version);
            } catch (NumberFormatException e) {
                throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_VERSION,
                    "The specified version '" + version + "' is not a valid version id. "
                        + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
            }
            if (number < 1) {
                throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_VERSION,
                    "The specified version '" + version + "' is not a valid version id. "
                        + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
            }
        }
        Integer id = versions.get(number);
        if (id == null) {
            throw SchemaRegistryException.versionNotFound(subject, version);
        }
        return new RegisteredSchema(subject, number, id, schemasById.get(id));
    }

    /** Why registering the schema under the subject would be refused; empty when it would not. */
    public synchronized List<String> compatibilityProblems(String subject, Schema schema) {
        TreeMap<Integer, Integer> versions = versionsBySubject.get(subject);
        if (versions == null) {
            return List.of();
        }
        List<Schema> existing = versions.values().stream().map(schemasById::get).toList();
        return level(subject).check(schema, existing);
    }

    /** Against one version only, as {@code POST /compatibility/subjects/{s}/versions/{v}} asks. */
    public synchronized List<String> compatibilityProblems(String subject, String version, String schemaText) {
        Schema schema = parse(schemaText);
        if (!versionsBySubject.containsKey(subject)) {
            return List.of();
        }
        RegisteredSchema against = version(subject, version);
        return level(subject).check(schema, List.of(against.schema()));
    }

    public synchronized CompatibilityLevel level(String subject) {
        return subject == null ? globalLevel : subjectLevels.getOrDefault(subject, globalLevel);
    }

    public synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    public synchronized void setLevel(String subject, CompatibilityLevel level) {
        if (subject == null) {
            globalLevel = level;
        } else {
            subjectLevels.put(subject, level);
        }
    }

    /** Deletes every version of the subject; returns the deleted version numbers. */
    public synchronized List<Integer> deleteSubject(String subject) {
        List<Integer> deleted = versions(subject);
        versionsBySubject.remove(subject);
        subjectLevels.remove(subject);
        return deleted;
    }

    private Optional<Registration> find(String subject, Schema schema) {
        Integer id = idsByCanonical.get(schema.toString());
        TreeMap<Integer, Integer> versions = versionsBySubject.get(subject);
        if (id == null || versions == null) {
            return Optional.empty();
        }
        return versions.entrySet().stream()
            .filter(e -> e.getValue().equals(id))
            .findFirst()
            .map(e -> new Registration(subject, e.getKey(), id, schema.toString()));
    }

    private TreeMap<Integer, Integer> requireSubject(String subject) {
        TreeMap<Integer, Integer> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw SchemaRegistryException.subjectNotFound(subject);
        }
        return versions;
    }
}
