package dev.faultline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class AtLeastOnceCheckTest {
    private static final Schema WINDOW = SchemaBuilder.record("WindowStats").fields()
        .requiredLong("eventTime").requiredString("service").optionalString("operation")
        .requiredLong("requestCount").requiredLong("errorCount")
        .name("logsBySeverity").type().map().values().longType().noDefault()
        .name("logsByKind").type().map().values().longType().noDefault()
        .endRecord();
    private static final Schema CHANGE = SchemaBuilder.record("DegradationChange").fields()
        .requiredLong("eventTime").requiredString("service").requiredString("toLevel").endRecord();
    private static final Schema LOG = SchemaBuilder.record("ClassifiedLog").fields()
        .requiredLong("eventTime").requiredString("service").requiredString("kind").endRecord();

    /** Three windows of "orders"; the level rises at the third. */
    private static List<TopicOutput> reference() {
        return List.of(
            window("orders", 60, 100, 10, 5), change("orders", 60, "LEVEL_1"),
            window("orders", 120, 100, 30, 5), change("orders", 120, "LEVEL_2"),
            window("orders", 180, 100, 60, 5), change("orders", 180, "LEVEL_3"),
            window("billing", 60, 50, 0, 0), log("billing", 42));
    }

    @Test
    void theSameOutputsWrittenTwiceLoseNothing() {
        List<TopicOutput> twice = new ArrayList<>(reference());
        twice.addAll(reference());

        AtLeastOnceCheck.Result result = AtLeastOnceCheck.of(reference(), twice);

        assertThat(result.nothingLost()).isTrue();
        assertThat(result.windowsChecked()).isEqualTo(4);
        assertThat(result.decisionsChecked()).isEqualTo(3);
        assertThat(result.windowsCountingMore()).isZero();
        assertThat(result.servicesWithDifferentWindows()).isZero();
    }

    @Test
    void aWindowCountingRecordsTwiceMayMoveTheDecisionsThatFollowIt() {
        // The shape of a CI failure: records processed twice raised the second window's errors, so LEVEL_3 came one window early.
        List<TopicOutput> run = List.of(
            window("orders", 60, 100, 10, 5), change("orders", 60, "LEVEL_1"),
            window("orders", 120, 140, 60, 7), change("orders", 120, "LEVEL_3"),
            window("orders", 180, 100, 60, 5),
            window("billing", 60, 50, 0, 0), log("billing", 42));

        AtLeastOnceCheck.Result result = AtLeastOnceCheck.of(reference(), run);

        assertThat(result.nothingLost()).isTrue();
        assertThat(result.windowsCountingMore()).isEqualTo(1);
        assertThat(result.servicesWithDifferentWindows()).isEqualTo(1);
        assertThat(result.decisionsChecked()).isEqualTo(1);
        assertThat(result.decisionsAfterDifferentWindows()).isEqualTo(2);
    }

    @Test
    void aWindowCountingFewerOfAnythingIsALoss() {
        List<TopicOutput> fewerRequests = replace(0, window("orders", 60, 99, 10, 5));
        List<TopicOutput> fewerLogs = replace(0, window("orders", 60, 100, 10, 4));

        assertThat(AtLeastOnceCheck.of(reference(), fewerRequests).undercountedWindows()).hasSize(1);
        assertThat(AtLeastOnceCheck.of(reference(), fewerLogs).undercountedWindows()).hasSize(1);
        assertThat(AtLeastOnceCheck.of(reference(), replace(6, window("billing", 120, 50, 0, 0))).undercountedWindows())
            .as("the window at 60 is not there at all").hasSize(1);
    }

    @Test
    void whileTheWindowsAreTheSameTheDecisionsMustBeTheSame() {
        List<TopicOutput> missing = new ArrayList<>(reference());
        missing.remove(3);
        List<TopicOutput> added = new ArrayList<>(reference());
        added.add(change("billing", 60, "LEVEL_1"));
        List<TopicOutput> changed = replace(1, change("orders", 60, "LEVEL_2"));

        assertThat(AtLeastOnceCheck.of(reference(), missing).decisionsMissing()).hasSize(1);
        assertThat(AtLeastOnceCheck.of(reference(), added).decisionsAdded()).hasSize(1);
        AtLeastOnceCheck.Result result = AtLeastOnceCheck.of(reference(), changed);
        assertThat(result.decisionsMissing()).hasSize(1);
        assertThat(result.decisionsAdded()).hasSize(1);
        assertThat(result.nothingLost()).isFalse();
    }

    @Test
    void aClassifiedLogMissingIsALoss() {
        List<TopicOutput> run = new ArrayList<>(reference());
        run.remove(7);

        assertThat(AtLeastOnceCheck.of(reference(), run).logsMissing()).hasSize(1);
    }

    private static List<TopicOutput> replace(int index, TopicOutput with) {
        List<TopicOutput> run = new ArrayList<>(reference());
        run.set(index, with);
        return run;
    }

    private static TopicOutput window(String service, long end, long requests, long errors, long errorLogs) {
        GenericRecord value = new GenericRecordBuilder(WINDOW).set("eventTime", end).set("service", service)
            .set("requestCount", requests).set("errorCount", errors)
            .set("logsBySeverity", Map.of(new Utf8("ERROR"), errorLogs)).set("logsByKind", Map.of(new Utf8("TIMEOUT"), errorLogs))
            .build();
        return new TopicOutput(TopicOutput.WINDOW_STATS, service, value);
    }

    private static TopicOutput change(String service, long time, String level) {
        return new TopicOutput(TopicOutput.DEGRADATION_CHANGES, service,
            new GenericRecordBuilder(CHANGE).set("eventTime", time).set("service", service).set("toLevel", level).build());
    }

    private static TopicOutput log(String service, long time) {
        GenericData.Record value = new GenericRecordBuilder(LOG).set("eventTime", time).set("service", service).set("kind", "TIMEOUT").build();
        return new TopicOutput(TopicOutput.CLASSIFIED_LOGS, service, value);
    }
}
