package dev.faultline.topology.processors;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import dev.faultline.topology.InputRecord;
import dev.faultline.topology.config.AnalyzerConfig;
import dev.faultline.topology.errors.InvalidRecordException;

/**
 * With {@code analyzer.input.keyed-by-service}, instead of the repartition: keys an input record by
 * its service after checking that it was read from its service's partition, the one a
 * producer keying the record by service with Kafka's default partitioner writes it to. A
 * record read elsewhere cannot be counted with its service's other records, so it goes to
 * the dead-letter topic.
 *
 * <p>Why not repartition only the records read elsewhere: they would reach the window step
 * a commit interval or more after the records read in place, which move its stream time on,
 * and many would be late.
 */
public final class ServicePartitionCheck implements Processor<byte[], InputRecord, String, InputRecord> {
    private final int partitions;
    private ProcessorContext<String, InputRecord> context;

    /** {@code partitions}: the input topics' partition count. */
    public ServicePartitionCheck(int partitions) {
        this.partitions = partitions;
    }

    @Override
    public void init(ProcessorContext<String, InputRecord> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], InputRecord> record) {
        String service = record.value().service();
        int partition = context.recordMetadata().map(RecordMetadata::partition).orElse(-1);
        int expected = ByServicePartitioner.partitionOf(service, partitions);
        if (partition != expected) {
            throw new InvalidRecordException("read from partition " + partition + ", but service '" + service + "' is in partition "
                + expected + " of " + partitions + ": with " + AnalyzerConfig.INPUT_KEYED_BY_SERVICE
                + "=true, producers must key telemetry by service with Kafka's default partitioner");
        }
        context.forward(record.withKey(service));
    }
}
