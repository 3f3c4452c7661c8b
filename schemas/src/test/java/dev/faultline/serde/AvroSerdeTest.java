package dev.faultline.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.faultline.schema.LogRecord;
import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;

class AvroSerdeTest {
    private static final String TOPIC = "requests";

    private String scope;
    private Map<String, Object> config;
    private AvroSerde<RequestEvent> serde;

    @BeforeEach
    void setUp() {
        scope = "serde-test-" + UUID.randomUUID();
        config = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);
        serde = AvroSerde.specific(RequestEvent.class);
        serde.configure(config, false);
    }

    @AfterEach
    void tearDown() {
        serde.close();
        MockSchemaRegistry.dropScope(scope);
    }

    static RequestEvent request() {
        return RequestEvent.newBuilder()
            .setService("payments").setOperation("POST /charge").setPeerService("postgres")
            .setInstance("payments-1").setStartTime(Instant.ofEpochMilli(1_700_000_000_123L))
            .setDurationMs(12.5).setStatus(SpanStatus.ERROR).setHttpStatus(503)
            .setTraceId("4bf92f3577b34da6a3ce929d0e0e4736").setAttributes(Map.of("http.method", "POST"))
            .build();
    }

    @Test
    void shouldRoundTripInConfluentWireFormat() {
        byte[] bytes = serde.serializer().serialize(TOPIC, request());

        RegisteredSchema registered = MockSchemaRegistry.client(scope).latest("requests-value");
        assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(registered.id());
        assertThat(registered.schema()).isEqualTo(RequestEvent.getClassSchema());
        assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(request());
    }

    @Test
    void shouldNameSubjectsAsConfigured() {
        AvroSerde<RequestEvent> keyed = AvroSerde.specific(RequestEvent.class);
        keyed.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope,
            SerdeConfig.KEY_SUBJECT_NAME_STRATEGY, "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy",
            SerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "RecordNameStrategy"), true);
        keyed.serializer().serialize(TOPIC, request());
        AvroSerde<RequestEvent> values = AvroSerde.specific(RequestEvent.class);
        values.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope,
            SerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "RecordNameStrategy"), false);
        values.serializer().serialize(TOPIC, request());

        assertThat(MockSchemaRegistry.client(scope).subjects())
            .containsExactlyInAnyOrder("requests-dev.faultline.schema.RequestEvent", "dev.faultline.schema.RequestEvent");
    }

    /** The schema-evolution promise: data written before a field was added stays readable. */
    @Test
    void shouldReadDataWrittenBeforeAnOptionalFieldWasAdded() {
        Schema current = RequestEvent.getClassSchema();
        Schema older = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false,
            current.getFields().stream().filter(f -> !f.name().equals("attributes")).map(f -> new Schema.Field(f, f.schema())).toList());
        GenericRecord old = new GenericData.Record(older);
        old.put("service", "checkout");
        old.put("operation", "GET /cart");
        old.put("startTime", 1_700_000_000_000L);
        old.put("durationMs", 3.0);
        old.put("status", new GenericData.EnumSymbol(older.getField("status").schema(), "OK"));

        AvroSerde<GenericRecord> oldWriter = AvroSerde.generic();
        oldWriter.configure(config, false);
        byte[] oldBytes = oldWriter.serializer().serialize(TOPIC, old);
        byte[] newBytes = serde.serializer().serialize(TOPIC, request());

        RequestEvent read = serde.deserializer().deserialize(TOPIC, oldBytes);
        assertThat(read.getService()).isEqualTo("checkout");
        assertThat(read.getStartTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(read.getAttributes()).isEmpty();
        assertThat(read.getPeerService()).isNull();
        assertThat(MockSchemaRegistry.client(scope).latest("requests-value").version()).isEqualTo(2);
        assertThat(serde.deserializer().deserialize(TOPIC, newBytes)).isEqualTo(request());
    }

    @Test
    void shouldRefuseToRegisterABreakingChange() {
        serde.serializer().serialize(TOPIC, request());
        Schema breaking = SchemaBuilder.record("RequestEvent").namespace("dev.faultline.schema").fields()
            .requiredString("service").requiredString("region").endRecord();
        GenericRecord record = new GenericData.Record(breaking);
        record.put("service", "a");
        record.put("region", "eu");
        AvroSerde<GenericRecord> writer = AvroSerde.generic();
        writer.configure(config, false);

        assertThatThrownBy(() -> writer.serializer().serialize(TOPIC, record))
            .isInstanceOf(SerializationException.class)
            .hasMessageContaining("requests-value")
            .hasMessageContaining("incompatible")
            .hasMessageContaining("region");
    }

    @Test
    void shouldLookUpInsteadOfRegisteringWhenAutoRegisterIsOff() {
        AvroSerde<RequestEvent> lookupOnly = AvroSerde.specific(RequestEvent.class);
        lookupOnly.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope, SerdeConfig.AUTO_REGISTER_SCHEMAS, "false"), false);

        assertThatThrownBy(() -> lookupOnly.serializer().serialize(TOPIC, request()))
            .isInstanceOf(SerializationException.class)
            .hasMessageContaining("Cannot look up")
            .hasMessageContaining("Subject 'requests-value' not found");

        byte[] registered = serde.serializer().serialize(TOPIC, request());
        assertThat(lookupOnly.serializer().serialize(TOPIC, request())).isEqualTo(registered);
    }

    @Test
    void shouldPassNullsThroughForTombstones() {
        assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
        assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
    }

    @Test
    void shouldExplainBadFraming() {
        byte[] good = serde.serializer().serialize(TOPIC, request());
        byte[] json = "{\"service\":\"x\"}".getBytes();
        byte[] unknownId = good.clone();
        ByteBuffer.wrap(unknownId).putInt(1, 999_999);
        byte[] truncated = Arrays.copyOf(good, good.length - 7);
        byte[] trailing = Arrays.copyOf(good, good.length + 3);

        assertDeserializationFails(json, "Unknown magic byte 0x7b", TOPIC);
        assertDeserializationFails(new byte[] {0, 0, 1}, "shorter than the 5-byte", TOPIC);
        assertDeserializationFails(unknownId, "Schema 999999 not found", "schema id 999999");
        assertDeserializationFails(truncated, "Malformed Avro payload", TOPIC);
        assertDeserializationFails(trailing, "bytes left after the Avro payload", TOPIC);
    }

    @Test
    void shouldRefuseARecordOfAnotherType() {
        GenericRecord other = new GenericData.Record(SchemaBuilder.record("Other").fields().requiredString("x").endRecord());
        other.put("x", "y");
        AvroSerde<GenericRecord> writer = AvroSerde.generic();
        writer.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope), false);
        byte[] bytes = writer.serializer().serialize("elsewhere", other);

        assertDeserializationFails(bytes, "has schema Other", "expected dev.faultline.schema.RequestEvent");
    }

    @Test
    void shouldReadEachRecordAsTheTypeItsWriterSchemaIsNamedAfter() {
        MetricSample sample = MetricSample.newBuilder().setService("payments").setName("cpu").setValue(0.5)
            .setTime(Instant.ofEpochMilli(1_700_000_000_000L)).build();
        AvroSerde<MetricSample> samples = AvroSerde.specific(MetricSample.class);
        samples.configure(config, false);
        AvroSerde<LogRecord> logs = AvroSerde.specific(LogRecord.class);
        logs.configure(config, false);
        AvroDeserializer<SpecificRecord> either = AvroDeserializer.anyOf(List.of(RequestEvent.class, MetricSample.class),
            MockSchemaRegistry.client(scope));
        byte[] log = logs.serializer().serialize("logs", LogRecord.newBuilder().setService("payments").setTime(Instant.EPOCH)
            .setSeverity(LogSeverity.ERROR).setBody("boom").build());

        assertThat(either.deserialize("mixed", serde.serializer().serialize(TOPIC, request()))).isEqualTo(request());
        assertThat(either.deserialize("mixed", samples.serializer().serialize("metrics", sample))).isEqualTo(sample);
        assertThatThrownBy(() -> either.deserialize("mixed", log)).isInstanceOf(SerializationException.class)
            .hasMessageContaining("has schema dev.faultline.schema.LogRecord")
            .hasMessageContaining("expected one of dev.faultline.schema.RequestEvent, dev.faultline.schema.MetricSample");
    }

    private void assertDeserializationFails(byte[] bytes, String... fragments) {
        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, bytes))
            .isInstanceOf(SerializationException.class)
            .satisfies(e -> assertThat(e.getMessage()).contains(fragments));
    }
}
