package dev.faultline.topology;

import static dev.faultline.topology.AnalyzerDriver.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.internal.Heartbeat;
import dev.faultline.schema.internal.Liveness;
import dev.faultline.topology.config.AnalyzerConfig;

/** When a service was last seen reaches its heartbeat at liveness checks and window closes, not with every record. */
class HeartbeatsTest {
    private final AnalyzerDriver analyzer = new AnalyzerDriver(Map.of(AnalyzerConfig.LIVENESS_CHECK_INTERVAL_MS, "5000",
        "analyzer.rule.service-down.timeout.ms", "20000"), at(0, 0));

    @AfterEach
    void close() {
        analyzer.close();
    }

    private Heartbeat heartbeat(String service) {
        KeyValueStore<String, Heartbeat> heartbeats = analyzer.driver.getKeyValueStore(Names.SERVICE_HEARTBEATS_STORE);
        return heartbeats.get(service);
    }

    private List<String> heartbeatChangelogKeys() {
        return analyzer.driver.createOutputTopic(analyzer.config.applicationId() + "-" + Names.SERVICE_HEARTBEATS_STORE + "-changelog",
            new StringDeserializer(), new ByteArrayDeserializer()).readKeyValuesToList().stream().map(entry -> entry.key).toList();
    }

    @Test
    void shouldWriteAServiceHeartbeatAtEachLivenessCheckRatherThanWithEachRecord() {
        // One record a second for 20 s, live; the test driver commits after every record.
        for (int second = 0; second < 20; second++) {
            analyzer.wallClockTo(at(0, second));
            if (second % 2 == 0) {
                analyzer.request("payments", at(0, second), false, 10);
            } else {
                analyzer.log("payments", LogSeverity.INFO, "ok", at(0, second));
            }
        }
        assertThat(heartbeat("payments").getLastSeen()).as("as of the check at 15 s").isEqualTo(at(0, 14));
        analyzer.wallClockTo(at(0, 20));

        assertThat(heartbeat("payments").getLastSeen()).isEqualTo(at(0, 19));
        assertThat(heartbeat("payments").getLiveness()).isEqualTo(Liveness.ALIVE);
        List<String> changelog = heartbeatChangelogKeys();
        assertThat(changelog.stream().filter("payments"::equals)).as("checks at 5, 10, 15 and 20 s").hasSize(4);
        assertThat(changelog.stream().filter(key -> !key.equals("payments"))).as("the task clock, moved by each record").hasSize(20);
    }

    @Test
    void shouldKeepTheLatestTimeOfAWindowWhenItClosesBetweenChecks() {
        analyzer.request("payments", at(0, 58), false, 10);
        analyzer.log("payments", LogSeverity.DEBUG, "still here", at(0, 59));
        // Closes minute 0 (10 s grace) without a liveness check: the wall clock stays at 0:00.
        analyzer.request("orders", at(1, 11), false, 10);

        assertThat(heartbeat("payments").getLastSeen()).isEqualTo(at(0, 59));
        assertThat(heartbeat("orders")).as("seen only in an open window, no check yet").isNull();
        analyzer.wallClockTo(at(0, 5));
        assertThat(heartbeat("orders").getLastSeen()).isEqualTo(at(1, 11));
    }

    @Test
    void shouldDeclareAServiceSeenOnlyInAnOpenWindowDownWhenItFallsSilent() {
        analyzer.request("payments", at(0, 1), false, 10);
        // The first check comes after the 20 s timeout: no heartbeat was written, its window is open.
        analyzer.wallClockTo(at(0, 30));

        assertThat(analyzer.faultEvents()).containsExactly("0:21 OPENED payments SERVICE_DOWN CRITICAL");
        assertThat(heartbeat("payments").getLastSeen()).isEqualTo(at(0, 1));
        assertThat(heartbeat("payments").getLiveness()).isEqualTo(Liveness.DOWN);
    }
}
