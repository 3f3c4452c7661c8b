package dev.faultline.topology.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.faultline.schema.DeadLetter;
import dev.faultline.schema.DeadLetterReason;
import dev.faultline.serde.AvroDeserializer;
import dev.faultline.serde.MockSchemaRegistry;

class DeadLetterHandlersTest {
    private final String scope = "dlq-" + UUID.randomUUID();
    private final Map<String, Object> configs = Map.of(
        "schema.registry.url", "mock://" + scope,
        "errors.dead.letter.queue.topic.name", "faultline.dead-letters");

    @AfterEach
    void drop() {
        MockSchemaRegistry.dropScope(scope);
    }

    @Test
    void shouldResumeWithADeadLetterNamingTheSourceAndTheError() {
        DeadLetterHandlers.Deserialization handler = new DeadLetterHandlers.Deserialization();
        handler.configure(configs);
        byte[] key = "k".getBytes(StandardCharsets.UTF_8);
        byte[] value = "{not avro".getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("telemetry.requests", 3, 1234L, key, value);

        DeserializationExceptionHandler.Response response = handler.handleError(null, record,
            new SerializationException("Unknown magic byte 0x7b"));

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        List<ProducerRecord<byte[], byte[]>> letters = response.deadLetterQueueRecords();
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.topic()).isEqualTo("faultline.dead-letters");
            assertThat(letter.key()).isEqualTo(key);
            assertThat(header(letter, "faultline.dlq.reason")).isEqualTo("DESERIALIZATION_ERROR");
            assertThat(header(letter, "__streams.errors.topic")).isEqualTo("telemetry.requests");
            assertThat(header(letter, "__streams.errors.partition")).isEqualTo("3");
            assertThat(header(letter, "__streams.errors.offset")).isEqualTo("1234");
            assertThat(header(letter, "__streams.errors.exception")).isEqualTo(SerializationException.class.getName());
            assertThat(header(letter, "__streams.errors.message")).isEqualTo("Unknown magic byte 0x7b");
            AvroDeserializer<DeadLetter> reader = new AvroDeserializer<>(DeadLetter.class);
            reader.configure(configs, false);
            DeadLetter decoded = reader.deserialize(letter.topic(), letter.value());
            assertThat(decoded.getReason()).isEqualTo(DeadLetterReason.DESERIALIZATION_ERROR);
            assertThat(decoded.getSourceTopic()).isEqualTo("telemetry.requests");
            assertThat(decoded.getSourcePartition()).isEqualTo(3);
            assertThat(decoded.getSourceOffset()).isEqualTo(1234L);
            assertThat(decoded.getValue().array()).isEqualTo(value);
        });
    }

    private static String header(ProducerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
