package dev.faultline.topology.errors;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.faultline.schema.DeadLetter;
import dev.faultline.schema.DeadLetterReason;
import dev.faultline.serde.AvroSerializer;
import dev.faultline.topology.AnalyzerVersion;

/**
 * Builds the dead-letter record for input the analyzer could not use: the value is a
 * {@link DeadLetter} (original key and value bytes, source topic/partition/offset, error
 * class and message), and the same facts travel in headers under Kafka Streams' own names
 * ({@code __streams.errors.*}) plus {@code faultline.dlq.reason}.
 */
final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    static final String REASON_HEADER = "faultline.dlq.reason";
    private static final int MAX_MESSAGE = 2_000;

    private final String topic;
    private final AvroSerializer<DeadLetter> serializer = new AvroSerializer<>();

    DeadLetters(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null || topic.toString().isBlank()) {
            throw new ConfigException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topic, "the dead-letter topic must be set");
        }
        this.topic = topic.toString();
        serializer.configure(configs, false);
        try {
            serializer.prepare(this.topic, DeadLetter.getClassSchema());
        } catch (org.apache.kafka.common.errors.SerializationException e) {
            LOG.warn("Dead-letter schema not registered yet ({}); the first dead letter will need the registry", e.getMessage());
        }
    }

    /** For a failure after deserialization: the context knows the source record's raw bytes. */
    List<ProducerRecord<byte[], byte[]>> of(ErrorHandlerContext context, DeadLetterReason reason, Exception error) {
        return of(context.topic(), context.partition(), context.offset(), context.timestamp(),
            context.sourceRawKey(), context.sourceRawValue(), reason, error);
    }

    List<ProducerRecord<byte[], byte[]>> of(String sourceTopic, int partition, long offset, long timestamp,
                                            byte[] key, byte[] value, DeadLetterReason reason, Exception error) {
        String message = String.valueOf(error.getMessage());
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE);
        }
        DeadLetterMetrics.count(reason, sourceTopic);
        if (reason == DeadLetterReason.PROCESSING_ERROR) {
            // A bug rather than bad input: keep the stack trace.
            LOG.error("Dead letter from {}-{}@{}: {}", sourceTopic, partition, offset, reason, error);
        } else {
            LOG.warn("Dead letter from {}-{}@{}: {} {}: {}", sourceTopic, partition, offset, reason, error.getClass().getName(), message);
        }
        DeadLetter letter = DeadLetter.newBuilder()
            .setAnalyzerVersion(AnalyzerVersion.VERSION)
            .setEventTime(Instant.ofEpochMilli(Math.max(0, timestamp)))
            .setSourceTopic(String.valueOf(sourceTopic))
            .setSourcePartition(partition)
            .setSourceOffset(offset)
            .setReason(reason)
            .setErrorClass(error.getClass().getName())
            .setErrorMessage(message)
            .setKey(key == null ? null : ByteBuffer.wrap(key))
            .setValue(value == null ? null : ByteBuffer.wrap(value))
            .build();
        Headers headers = new RecordHeaders();
        header(headers, REASON_HEADER, reason.name());
        header(headers, "__streams.errors.exception", error.getClass().getName());
        header(headers, "__streams.errors.message", message);
        header(headers, "__streams.errors.topic", String.valueOf(sourceTopic));
        header(headers, "__streams.errors.partition", String.valueOf(partition));
        header(headers, "__streams.errors.offset", String.valueOf(offset));
        return List.of(new ProducerRecord<>(topic, null, null, key, serializer.serialize(topic, letter), headers));
    }

    private static void header(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
