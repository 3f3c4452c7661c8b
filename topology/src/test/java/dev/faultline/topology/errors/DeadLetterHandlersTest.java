package dev.faultline.topology.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
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

    @Test
    void shouldRetryASendThatFailedWhileTheBrokerWasAwayInsteadOfDroppingTheOutput() {
        DeadLetterHandlers.Production handler = new DeadLetterHandlers.Production();
        handler.configure(configs);
        ProducerRecord<byte[], byte[]> output = new ProducerRecord<>("faultline.window-stats", new byte[] {1}, new byte[] {2});

        for (Exception brokerAway : List.of(new TimeoutException("Expiring 12 record(s) for faultline.window-stats-0: 120001 ms has passed"),
                new NotLeaderOrFollowerException("not the leader"))) {
            ProductionExceptionHandler.Response response = handler.handleError(CONTEXT, output, brokerAway);
            assertThat(response.result()).as(brokerAway.getClass().getSimpleName()).isEqualTo(ProductionExceptionHandler.Result.RETRY);
            assertThat(response.deadLetterQueueRecords()).isEmpty();
        }
    }

    @Test
    void shouldDeadLetterOutputTheBrokerRefusesAndCarryOn() {
        DeadLetterHandlers.Production handler = new DeadLetterHandlers.Production();
        handler.configure(configs);
        ProducerRecord<byte[], byte[]> output = new ProducerRecord<>("faultline.classified-logs", new byte[] {1}, new byte[] {2});

        ProductionExceptionHandler.Response response = handler.handleError(CONTEXT, output, new RecordTooLargeException("1,048,600 bytes"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(letter -> {
            assertThat(header(letter, "faultline.dlq.reason")).isEqualTo("PRODUCTION_ERROR");
            assertThat(letter.key()).isEqualTo(CONTEXT.sourceRawKey());
        });
    }

    @Test
    void shouldFailTheThreadWhenKafkaFailsInsideAProcessorAndDeadLetterOnlyWhatTheRecordCausedItself() {
        DeadLetterHandlers.Processing handler = new DeadLetterHandlers.Processing();
        handler.configure(configs);
        Record<String, String> record = new Record<>("checkout", "v", 1L);

        for (Exception kafka : List.of(new StreamsException("Error encountered sending record to topic x", new TimeoutException("t")),
                new ProcessorStateException("Error while putting key into store"), new TimeoutException("fetching metadata"))) {
            ProcessingExceptionHandler.Response response = handler.handleError(CONTEXT, record, kafka);
            assertThat(response.result()).as(kafka.getClass().getSimpleName()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
            assertThat(response.deadLetterQueueRecords()).isEmpty();
        }
        assertThat(reasonOf(handler.handleError(CONTEXT, record, new InvalidRecordException("late")))).isEqualTo("VALIDATION_ERROR");
        assertThat(reasonOf(handler.handleError(CONTEXT, record, new NullPointerException()))).isEqualTo("PROCESSING_ERROR");
    }

    private static String reasonOf(ProcessingExceptionHandler.Response response) {
        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).hasSize(1);
        return header(response.deadLetterQueueRecords().get(0), "faultline.dlq.reason");
    }

    /** The source record of a failure: an input request at telemetry.requests-1@77. */
    private static final ErrorHandlerContext CONTEXT = new ErrorHandlerContext() {
        @Override
        public String topic() {
            return "telemetry.requests";
        }

        @Override
        public int partition() {
            return 1;
        }

        @Override
        public long offset() {
            return 77L;
        }

        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return "windows";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(1, 1);
        }

        @Override
        public long timestamp() {
            return 1_700_000_000_000L;
        }

        @Override
        public byte[] sourceRawKey() {
            return "checkout".getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] sourceRawValue() {
            return new byte[] {0, 0, 0, 0, 1, 2};
        }
    };

    private static String header(ProducerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
