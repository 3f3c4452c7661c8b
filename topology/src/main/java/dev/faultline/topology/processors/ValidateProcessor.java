package dev.faultline.topology.processors;

import java.time.Instant;
import java.util.Optional;
import java.util.function.BiFunction;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import dev.faultline.topology.errors.InvalidRecordException;

/** Passes valid records on; an invalid one fails here and the processing handler dead-letters it. */
public final class ValidateProcessor<K, V> implements FixedKeyProcessor<K, V, V> {
    private final String topic;
    private final BiFunction<V, Instant, Optional<String>> problem;
    private FixedKeyProcessorContext<K, V> context;
    private io.micrometer.core.instrument.Counter records;

    public ValidateProcessor(String topic, BiFunction<V, Instant, Optional<String>> problem) {
        this.topic = topic;
        this.problem = problem;
    }

    @Override
    public void init(FixedKeyProcessorContext<K, V> context) {
        this.context = context;
        this.records = io.micrometer.core.instrument.Metrics.counter("faultline.records.in", "topic", topic);
    }

    @Override
    public void process(FixedKeyRecord<K, V> record) {
        if (record.value() == null) {
            throw new InvalidRecordException("null value (tombstone) on an input topic");
        }
        Optional<String> invalid = problem.apply(record.value(), Instant.ofEpochMilli(context.currentSystemTimeMs()));
        if (invalid.isPresent()) {
            throw new InvalidRecordException(invalid.get());
        }
        records.increment();
        context.forward(record);
    }
}
