package dev.faultline.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records in the Confluent wire format, registering their schema on first use
 * ({@code auto.register.schemas=true}, the default) or looking it up (false). Thread-safe:
 * Kafka Streams shares one instance among its stream threads.
 */
public final class AvroSerializer<T extends IndexedRecord> implements Serializer<T> {
    private SchemaRegistryClient client;
    private SerdeConfig config;
    private boolean isKey;
    /** By topic, not subject: the subject is a function of topic and schema, and building its name per record costs. */
    private final Map<String, Map<Schema, Integer>> idsByTopic = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();
    /** Per thread, reused: a buffered encoder writes its output in a few chunks instead of byte by byte. */
    private final ThreadLocal<Buffer> buffers = ThreadLocal.withInitial(Buffer::new);

    private static final class Buffer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder;
    }

    public AvroSerializer() {
    }

    /** For a client shared with other serdes; {@link #configure} then only reads the settings. */
    public AvroSerializer(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = SerdeConfig.from(configs);
        this.isKey = isKey;
        if (client == null) {
            client = SchemaRegistryClients.create(config);
        }
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        if (config == null) {
            throw new IllegalStateException("AvroSerializer used before configure()");
        }
        Schema schema = record.getSchema();
        int id = schemaId(topic, schema);
        Buffer buffer = buffers.get();
        ByteArrayOutputStream out = buffer.out;
        out.reset();
        out.write(WireFormat.MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            buffer.encoder = EncoderFactory.get().binaryEncoder(out, buffer.encoder);
            writers.computeIfAbsent(schema, SpecificDatumWriter::new).write(record, buffer.encoder);
            buffer.encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot write " + schema.getFullName() + " to topic " + topic + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * Registers (or, without auto-registration, looks up) the schema a topic's records will be
     * written with, now: later writes then need no registry, even while it is unreachable.
     */
    public void prepare(String topic, Schema schema) {
        if (config == null) {
            throw new IllegalStateException("AvroSerializer used before configure()");
        }
        schemaId(topic, schema);
    }

    private int schemaId(String topic, Schema schema) {
        return idsByTopic.computeIfAbsent(topic, t -> new ConcurrentHashMap<>()).computeIfAbsent(schema, s -> {
            String subject = config.subjectNameStrategy(isKey).subject(topic, isKey, s);
            try {
                return config.autoRegisterSchemas() ? client.register(subject, s) : client.lookup(subject, s).id();
            } catch (SchemaRegistryException e) {
                throw new SerializationException((config.autoRegisterSchemas() ? "Cannot register" : "Cannot look up")
                    + " schema " + s.getFullName() + " under subject " + subject + ": " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
