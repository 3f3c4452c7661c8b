package dev.faultline.topology;

import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

import dev.faultline.schema.ClassifiedLog;
import dev.faultline.schema.LogRecord;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;

/**
 * Event time is when the telemetry happened, not when it reached Kafka: a request's start,
 * a sample's or log's time. Records without a usable time keep the Kafka record timestamp.
 */
public final class TelemetryTimestampExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        Instant time = eventTime(record.value());
        return time != null && time.toEpochMilli() >= 0 ? time.toEpochMilli() : record.timestamp();
    }

    /** When a record happened: a request's start, a sample's, log's or classified log's time; null for anything else. */
    public static Instant eventTime(Object value) {
        if (value instanceof InputRecord input) {
            return eventTime(input.decoded());
        }
        if (value instanceof RequestEvent request) {
            return request.getStartTime();
        }
        if (value instanceof MetricSample sample) {
            return sample.getTime();
        }
        if (value instanceof LogRecord log) {
            return log.getTime();
        }
        if (value instanceof ClassifiedLog log) {
            return log.getEventTime();
        }
        return null;
    }
}
