package dev.faultline.cli;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.faultline.serde.AvroSerializer;
import dev.faultline.topology.config.AnalyzerConfig;

/**
 * Sends input records to their topics, keyed by service, timestamped with their event time.
 * A failed send is not lost silently: {@link #close()} fails with the first error.
 */
final class InputPublisher implements AutoCloseable {
    private final AnalyzerConfig config;
    private final KafkaProducer<String, SpecificRecord> producer;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    InputPublisher(AnalyzerConfig config) {
        this.config = config;
        Map<String, Object> settings = config.clientSettings(ProducerConfig.configNames());
        settings.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(config.kafka(), false);
        producer = new KafkaProducer<>(settings, new StringSerializer(), serializer);
    }

    void send(SpecificRecord record) {
        failIfFailed();
        String topic = InputRecords.topic(config, InputRecords.inputOf(record));
        producer.send(new ProducerRecord<>(topic, null, InputRecords.eventTime(record), InputRecords.service(record), record),
            (metadata, error) -> {
                if (error == null) {
                    acknowledged.incrementAndGet();
                } else {
                    failure.compareAndSet(null, error);
                }
            });
    }

    /** Records the broker has acknowledged so far. */
    long acknowledged() {
        return acknowledged.get();
    }

    private void failIfFailed() {
        Exception error = failure.get();
        if (error != null) {
            throw new IllegalStateException("sending to Kafka failed after " + acknowledged.get() + " records: " + error.getMessage(), error);
        }
    }

    @Override
    public void close() {
        try {
            producer.flush();
        } finally {
            producer.close();
        }
        failIfFailed();
    }
}
