package dev.faultline.contract;

import java.util.List;

import org.apache.avro.Schema;

import dev.faultline.schema.ClassifiedLog;
import dev.faultline.schema.DeadLetter;
import dev.faultline.schema.DegradationChange;
import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.LogRecord;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.WindowStats;

/** The record types that travel on topics: the contracts whose compatibility is guarded. */
public final class TopicRecords {
    public static final List<Schema> INPUTS = List.of(
        RequestEvent.getClassSchema(), MetricSample.getClassSchema(), LogRecord.getClassSchema());

    public static final List<Schema> OUTPUTS = List.of(
        FaultEvent.getClassSchema(), DegradationChange.getClassSchema(), WindowStats.getClassSchema(),
        ClassifiedLog.getClassSchema(), DeadLetter.getClassSchema());

    public static final List<Schema> ALL = java.util.stream.Stream.concat(INPUTS.stream(), OUTPUTS.stream()).toList();

    private TopicRecords() {
    }
}
