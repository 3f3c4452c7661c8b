package dev.faultline.topology.processors;

import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.faultline.topology.InputRecord;
import dev.faultline.topology.config.AnalyzerConfig;
import dev.faultline.topology.errors.InvalidRecordException;

/**
 * Instead of repartitioning every record: keys an input record by its service where it was read when that is its
 * service's partition, the one a producer keying the record by service with Kafka's default partitioner writes it
 * to, and passes it on to {@code inPlace}. A record read elsewhere cannot be counted with its service's other
 * records there: with a {@link Detour} ({@code analyzer.input.keyed-by-service=auto}) it goes to the detour's sink,
 * whose topic is partitioned by service and read back by the same tasks; without one ({@code true}) it is
 * dead-lettered.
 *
 * <p>A task that met a record needing the detour, or received one from it, sends all its later input records
 * that way too. Why: a detour takes a produce (at-least-once) or a commit (exactly-once), during which the
 * records read in place would move the windows' stream time on, and with a backlog many detoured records would
 * arrive late. A task taking the detour for all its records keeps them in the order it read them, as the
 * repartition does. It starts in place again when it is (re)initialised.
 */
public final class ServiceRouter implements Processor<byte[], InputRecord, String, InputRecord> {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceRouter.class);

    /** The topic records not read in their service's partition take, and the name of the sink writing to it. */
    public record Detour(String topic, String sink) {
    }

    private final int partitions;
    private final String inPlace;
    private final Optional<Detour> detour;
    private ProcessorContext<String, InputRecord> context;
    private Counter detoured;
    private boolean detouring;

    /** {@code partitions}: the input topics' partition count; {@code inPlace}: the child that processes records. */
    public ServiceRouter(int partitions, String inPlace, Optional<Detour> detour) {
        this.partitions = partitions;
        this.inPlace = inPlace;
        this.detour = detour;
    }

    @Override
    public void init(ProcessorContext<String, InputRecord> context) {
        this.context = context;
        this.detoured = Metrics.counter("faultline.records.detoured");
        this.detouring = false;
    }

    @Override
    public void process(Record<byte[], InputRecord> record) {
        String service = record.value().service();
        Record<String, InputRecord> keyed = record.withKey(service);
        RecordMetadata read = context.recordMetadata().orElseThrow();
        if (detour.isPresent() && read.topic().equals(detour.get().topic())) {
            detouring = true;
            context.forward(keyed, inPlace);
            return;
        }
        int expected = ByServicePartitioner.partitionOf(service, partitions);
        if (!detouring && read.partition() == expected) {
            context.forward(keyed, inPlace);
            return;
        }
        Detour to = detour.orElseThrow(() -> new InvalidRecordException("read from partition " + read.partition() + ", but service '"
            + service + "' is in partition " + expected + " of " + partitions + ": with " + AnalyzerConfig.INPUT_KEYED_BY_SERVICE
            + "=true, producers must key telemetry by service with Kafka's default partitioner"));
        if (!detouring) {
            detouring = true;
            LOG.info("Task {}: service '{}' read from partition {} of {}, its service's partition is {}; from now on this task's input "
                    + "goes through {} (producers keying telemetry by service with Kafka's default partitioner avoid it)",
                context.taskId(), service, read.partition(), read.topic(), expected, to.topic());
        }
        detoured.increment();
        context.forward(keyed, to.sink());
    }
}
