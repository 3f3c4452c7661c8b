package dev.faultline.serde;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format records. The writer schema comes from the registry by id
 * (cached); with a reader class, Avro schema resolution maps it onto that class's schema,
 * so records written with an older or newer compatible schema read as the current class
 * (with several classes, onto the one named as the writer schema is).
 * Every failure (bad framing, unknown id, truncated or trailing bytes, unresolvable
 * schemas) is a {@link SerializationException} with a message naming the topic and cause.
 */
public final class AvroDeserializer<T extends IndexedRecord> implements Deserializer<T> {
    /** The classes' schemas by full name; empty for generic records. */
    private final Map<String, Schema> readerSchemas = new LinkedHashMap<>();
    private SchemaRegistryClient client;
    private final Map<Integer, DatumReader<T>> readersById = new ConcurrentHashMap<>();

    /** Generic records in their writer's schema. */
    public AvroDeserializer() {
        this(List.of(), null);
    }

    /** Specific records of {@code type}, resolved from any compatible writer schema. */
    public AvroDeserializer(Class<T> type) {
        this(type, null);
    }

    public AvroDeserializer(Class<T> type, SchemaRegistryClient client) {
        this(type == null ? List.of() : List.of(type), client);
    }

    private AvroDeserializer(List<? extends Class<?>> types, SchemaRegistryClient client) {
        types.forEach(type -> {
            Schema schema = SpecificData.get().getSchema(type);
            readerSchemas.put(schema.getFullName(), schema);
        });
        this.client = client;
    }

    /**
     * Specific records of any of {@code types}, for a topic that carries several: each record
     * is read as the type its writer schema is named after.
     */
    public static <T extends SpecificRecord> AvroDeserializer<T> anyOf(List<Class<? extends T>> types, SchemaRegistryClient client) {
        if (types.isEmpty()) {
            throw new IllegalArgumentException("anyOf needs at least one type");
        }
        return new AvroDeserializer<>(types, client);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (client == null) {
            client = SchemaRegistryClients.create(SerdeConfig.from(configs));
        }
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (client == null) {
            throw new IllegalStateException("AvroDeserializer used before configure()");
        }
        int id = WireFormat.schemaId(topic, bytes);
        DatumReader<T> reader = readersById.computeIfAbsent(id, i -> reader(topic, i));
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, WireFormat.HEADER_SIZE, bytes.length - WireFormat.HEADER_SIZE, null);
        try {
            T value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("Record on topic " + topic + " with schema id " + id
                    + " has bytes left after the Avro payload: not written with that schema");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException se) {
                throw se;
            }
            throw new SerializationException("Malformed Avro payload on topic " + topic + " for schema id " + id + ": " + e, e);
        }
    }

    @SuppressWarnings("unchecked")
    private DatumReader<T> reader(String topic, int id) {
        Schema writer;
        try {
            writer = client.schemaById(id);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot get schema id " + id + " for a record on topic " + topic + ": " + e.getMessage(), e);
        }
        if (readerSchemas.isEmpty()) {
            return (DatumReader<T>) new GenericDatumReader<IndexedRecord>(writer);
        }
        Schema reader = readerSchemas.get(writer.getFullName());
        if (reader == null) {
            throw new SerializationException("Record on topic " + topic + " has schema " + writer.getFullName()
                + " (id " + id + "), expected " + (readerSchemas.size() == 1 ? "" : "one of ") + String.join(", ", readerSchemas.keySet()));
        }
        return new SpecificDatumReader<>(writer, reader);
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
