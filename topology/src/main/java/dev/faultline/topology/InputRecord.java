package dev.faultline.topology;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import dev.faultline.schema.ClassifiedLog;
import dev.faultline.schema.LogRecord;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;

/**
 * A request, metric sample or log as read from its input topic: decoded, with the bytes it
 * was read from (Confluent wire format). The repartition by service writes those bytes
 * unchanged, so a record is Avro-encoded once, by its producer: re-encoding every record for
 * the repartition was most of the 9 % of the stream threads' time spent serializing (JFR, load
 * benchmark, 1,000 services).
 */
public record InputRecord(SpecificRecord decoded, byte[] bytes) {

    public String service() {
        return serviceOf(decoded);
    }

    /** The service of a request, metric sample, log or classified log (as the open-window store logs one). */
    public static String serviceOf(SpecificRecord decoded) {
        if (decoded instanceof RequestEvent request) {
            return request.getService();
        }
        if (decoded instanceof MetricSample sample) {
            return sample.getService();
        }
        if (decoded instanceof ClassifiedLog log) {
            return log.getService();
        }
        return ((LogRecord) decoded).getService();
    }

    /** Reads with {@code values}, keeping the bytes; writes the bytes a record was read from. */
    public static Serde<InputRecord> serde(Deserializer<? extends SpecificRecord> values) {
        return Serdes.serdeFrom(
            (topic, input) -> input == null ? null : input.bytes(),
            (topic, bytes) -> bytes == null ? null : new InputRecord(values.deserialize(topic, bytes), bytes));
    }
}
