package dev.faultline.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

import dev.faultline.generator.Telemetry.Input;
import dev.faultline.schema.LogRecord;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;
import dev.faultline.topology.config.AnalyzerConfig;

/**
 * The analyzer's three inputs as files and as topics: Avro's JSON encoding one record per
 * line (what {@code generate --output} writes and {@code replay} reads), and their topics.
 */
final class InputRecords {
    /** Tried in this order when a line does not say what it is; their required fields differ. */
    private static final List<Schema> SCHEMAS = List.of(RequestEvent.getClassSchema(), MetricSample.getClassSchema(), LogRecord.getClassSchema());

    private InputRecords() {
    }

    static Input inputOf(SpecificRecord record) {
        if (record instanceof RequestEvent) {
            return Input.REQUESTS;
        }
        return record instanceof MetricSample ? Input.METRICS : Input.LOGS;
    }

    static String topic(AnalyzerConfig config, Input input) {
        return switch (input) {
            case REQUESTS -> config.topics().requests();
            case METRICS -> config.topics().metrics();
            case LOGS -> config.topics().logs();
        };
    }

    static String service(SpecificRecord record) {
        return record.get(record.getSchema().getField("service").pos()).toString();
    }

    /** The event time of an input record, in epoch milliseconds. */
    static long eventTime(SpecificRecord record) {
        if (record instanceof RequestEvent r) {
            return r.getStartTime().toEpochMilli();
        }
        return record instanceof MetricSample m ? m.getTime().toEpochMilli() : ((LogRecord) record).getTime().toEpochMilli();
    }

    /** One line of Avro's JSON encoding; any record (specific or generic), with its own schema. */
    static String toJson(IndexedRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            JsonEncoder encoder = EncoderFactory.get().jsonEncoder(record.getSchema(), out);
            new SpecificDatumWriter<IndexedRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The first input schema the line decodes as; the message says why it fits none. */
    static SpecificRecord fromJson(String line) {
        StringBuilder reasons = new StringBuilder();
        for (Schema schema : SCHEMAS) {
            try {
                return new SpecificDatumReader<SpecificRecord>(schema).read(null, DecoderFactory.get().jsonDecoder(schema, line));
            } catch (IOException | AvroRuntimeException | IllegalArgumentException e) {
                reasons.append(reasons.isEmpty() ? "" : "; ").append(schema.getName()).append(": ").append(e.getMessage());
            }
        }
        throw new Errors.UsageException("not a RequestEvent, MetricSample or LogRecord in Avro's JSON encoding (" + reasons + ")");
    }
}
