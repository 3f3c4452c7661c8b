package dev.faultline.topology;

import static dev.faultline.topology.AnalyzerDriver.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.faultline.schema.DeadLetterReason;
import dev.faultline.schema.FaultKind;
import dev.faultline.schema.LogRecord;
import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.WindowStats;
import dev.faultline.schema.internal.Signal;
import dev.faultline.topology.errors.DeadLetterMetrics;

/** Bad input goes to the dead-letter topic with its reason and processing goes on; rules change at run time. */
class BadInputAndRulesTest {
    private final AnalyzerDriver analyzer = new AnalyzerDriver();

    @AfterEach
    void close() {
        analyzer.close();
    }

    private static RequestEvent.Builder request() {
        return RequestEvent.newBuilder().setService("payments").setOperation("POST /charge").setStartTime(at(0, 1)).setDurationMs(5);
    }

    /**
     * The topology test driver does not capture what a deserialization handler returns, so
     * here the handler's records are checked directly and the driver shows that processing
     * goes on; {@code AnalyzerEndToEndIT} reads them from a real dead-letter topic.
     */
    @Test
    void shouldDeadLetterUndeserializableInputAndCarryOn() {
        String topic = analyzer.config.topics().requests();
        byte[] good = analyzer.serialized(request().build());
        byte[] unknownId = good.clone();
        ByteBuffer.wrap(unknownId).putInt(1, 424242);
        long before = DeadLetterMetrics.total(DeadLetterReason.DESERIALIZATION_ERROR);

        analyzer.raw(topic, "{\"service\":\"payments\"}".getBytes());
        analyzer.raw(topic, unknownId);
        analyzer.raw(topic, Arrays.copyOf(good, good.length - 4));
        analyzer.raw(topic, new byte[0]);
        analyzer.request("payments", at(0, 2), false, 5);
        analyzer.request("payments", at(1, 15), false, 5);

        assertThat(DeadLetterMetrics.total(DeadLetterReason.DESERIALIZATION_ERROR) - before).isEqualTo(4);
        assertThat(analyzer.serviceWindows()).extracting(WindowStats::getRequestCount).containsExactly(1L);
    }

    /** The upgrade case README names: a {@code Signal} an earlier build left on the repartition topic. */
    @Test
    void shouldDeadLetterARecordOfAnotherKindOnTheRepartitionTopicAndCarryOn() {
        String repartition = Names.detourTopic(analyzer.config.applicationId());
        byte[] signal = new AnalyzerSerdes(analyzer.config.kafka()).signals().serializer()
            .serialize(repartition, new Signal("payments", request().build(), null));
        long before = DeadLetterMetrics.total(DeadLetterReason.DESERIALIZATION_ERROR);

        analyzer.raw(repartition, signal);
        analyzer.request("payments", at(0, 2), false, 5);
        analyzer.request("payments", at(1, 15), false, 5);

        assertThat(DeadLetterMetrics.total(DeadLetterReason.DESERIALIZATION_ERROR) - before).isEqualTo(1);
        assertThat(analyzer.serviceWindows()).extracting(WindowStats::getRequestCount).containsExactly(1L);
    }

    @Test
    void shouldDeadLetterInvalidTelemetryWithTheRuleItBroke() {
        analyzer.pipe(request().setService("").build());
        analyzer.pipe(request().setDurationMs(-3).build());
        analyzer.pipe(request().setDurationMs(Double.NaN).build());
        analyzer.pipe(request().setDurationMs(Double.MAX_VALUE).build());
        analyzer.pipe(request().setStartTime(at(0, 1).plus(Duration.ofDays(400))).build());
        analyzer.pipe(request().setService("pay\u0000ments").build());
        analyzer.pipe(MetricSample.newBuilder().setService("payments").setName("system.cpu.utilization").setValue(250).setUnit("%")
            .setTime(at(0, 3)).build());
        analyzer.pipe(MetricSample.newBuilder().setService("payments").setName("queue.depth").setValue(Double.POSITIVE_INFINITY)
            .setTime(at(0, 3)).build());
        analyzer.pipe(LogRecord.newBuilder().setService(" ").setTime(at(0, 4)).setSeverity(LogSeverity.ERROR).setBody("x").build());
        analyzer.request("payments", at(0, 5), false, 5);
        analyzer.request("payments", at(1, 15), false, 5);

        assertThat(analyzer.deadLetters()).extracting(r -> r.value().getReason() + ": " + r.value().getErrorMessage()).containsExactly(
            "VALIDATION_ERROR: service is empty",
            "VALIDATION_ERROR: durationMs -3.0 is not a finite, non-negative number",
            "VALIDATION_ERROR: durationMs NaN is not a finite, non-negative number",
            "VALIDATION_ERROR: durationMs 1.7976931348623157E308 is above 1.7887493879227024E308, the largest a latency sketch holds",
            "VALIDATION_ERROR: startTime 2027-12-26T10:00:01Z is more than PT1H ahead of the analyzer's clock (2026-11-21T10:00:00Z)",
            "VALIDATION_ERROR: service contains control characters",
            "VALIDATION_ERROR: system.cpu.utilization 250.0 (unit %) is not a utilization in 0..1 or 0..100 %",
            "VALIDATION_ERROR: value Infinity is not finite",
            "VALIDATION_ERROR: service is empty");
        assertThat(analyzer.serviceWindows()).extracting(WindowStats::getRequestCount).containsExactly(1L);
    }

    @Test
    void shouldRefuseAndCountAnInvalidPublishedRuleSet() {
        long before = DeadLetterMetrics.total(DeadLetterReason.VALIDATION_ERROR);
        analyzer.publishRules("{\"rules\": [ {\"id\": \"broken\"} ]}");
        assertThat(DeadLetterMetrics.total(DeadLetterReason.VALIDATION_ERROR) - before).isEqualTo(1);
        assertThat(DeadLetterMetrics.snapshot()).containsKey("VALIDATION_ERROR|" + analyzer.config.topics().rules());
    }

    @Test
    void shouldReplaceTheRuleSetAtRunTimeAndIgnoreAnInvalidOne() {
        analyzer.log("shop", LogSeverity.ERROR, "banana shortage detected", at(0, 1));
        analyzer.publishRules("{\"rules\":[{\"id\":\"fruit\",\"kind\":\"DATA_LOSS\",\"severity\":\"CRITICAL\",\"pattern\":\"banana\"}]}");
        analyzer.wallClockTo(at(0, 10));
        analyzer.log("shop", LogSeverity.ERROR, "banana shortage detected", at(0, 11));
        analyzer.publishRules("{\"rules\": [ {\"id\": \"broken\"} ]}");
        analyzer.wallClockTo(at(0, 20));
        analyzer.log("shop", LogSeverity.ERROR, "banana shortage detected", at(0, 21));

        assertThat(analyzer.classifiedLogs()).extracting(l -> l.getKind() + " " + l.getRuleId())
            .containsExactly("UNCLASSIFIED null", "DATA_LOSS fruit", "DATA_LOSS fruit");
    }

    @Test
    void shouldCountButNotClassifyLogsBelowWarning() {
        analyzer.log("shop", LogSeverity.INFO, "Connection refused (retrying)", at(0, 1));
        analyzer.log("shop", LogSeverity.WARN, "Connection refused", at(0, 2));
        analyzer.request("shop", at(1, 15), false, 5);
        assertThat(analyzer.classifiedLogs()).extracting(l -> l.getKind()).containsExactly(FaultKind.CONNECTION_REFUSED);
        assertThat(analyzer.serviceWindows().get(0).getLogsBySeverity()).containsEntry("INFO", 1L).containsEntry("WARN", 1L);
    }
}
