package dev.faultline.topology.errors;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;

import dev.faultline.schema.DeadLetterReason;

/**
 * One handler per failure layer, each sending the record to the dead-letter topic and
 * carrying on: bad input never stops a stream thread and is never dropped unseen. A failure
 * of Kafka itself (a broker away, a store that cannot be written) is no fault of the record:
 * the task is processed again from its last commit instead, so no output is lost with it.
 */
public final class DeadLetterHandlers {
    private DeadLetterHandlers() {
    }

    /** Undeserializable input: bad magic byte, unknown schema id, truncated Avro, wrong record type. */
    public static final class Deserialization implements DeserializationExceptionHandler {
        private DeadLetters deadLetters;

        @Override
        public void configure(Map<String, ?> configs) {
            deadLetters = new DeadLetters(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
            return Response.resume(deadLetters.of(record.topic(), record.partition(), record.offset(), record.timestamp(),
                record.key(), record.value(), DeadLetterReason.DESERIALIZATION_ERROR, exception));
        }
    }

    /**
     * Invalid telemetry ({@link InvalidRecordException}) and any other failure inside a processor, except a failure
     * of Kafka ({@link StreamsException}: a send that failed, a store that cannot be written; or a retriable error such
     * as a timeout), which fails the stream thread: the analyzer replaces it and the task's uncommitted work is done again.
     */
    public static final class Processing implements ProcessingExceptionHandler {
        private DeadLetters deadLetters;

        @Override
        public void configure(Map<String, ?> configs) {
            deadLetters = new DeadLetters(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            if (exception instanceof StreamsException || exception instanceof RetriableException) {
                return Response.fail();
            }
            DeadLetterReason reason = exception instanceof InvalidRecordException
                ? DeadLetterReason.VALIDATION_ERROR : DeadLetterReason.PROCESSING_ERROR;
            return Response.resume(deadLetters.of(context, reason, exception));
        }
    }

    /**
     * Output the broker refuses (too large, ...) or that cannot be serialized. A retriable error (a delivery timeout
     * while the broker is away) is retried: Kafka Streams processes the task again from its last commit. Resuming
     * would drop the output, and under exactly-once commit the transaction without it.
     */
    public static final class Production implements ProductionExceptionHandler {
        private DeadLetters deadLetters;

        @Override
        public void configure(Map<String, ?> configs) {
            deadLetters = new DeadLetters(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
            if (exception instanceof RetriableException) {
                return Response.retry();
            }
            return Response.resume(deadLetters.of(context, DeadLetterReason.PRODUCTION_ERROR, exception));
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                                 SerializationExceptionOrigin origin) {
            return Response.resume(deadLetters.of(context, DeadLetterReason.PRODUCTION_ERROR, exception));
        }
    }
}
