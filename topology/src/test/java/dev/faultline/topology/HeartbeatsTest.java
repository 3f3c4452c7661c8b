package dev.faultline.topology;

import static dev.faultline.topology.AnalyzerDriver.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.internals.StateStoreProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.internal.Heartbeat;
import dev.faultline.schema.internal.Liveness;
import dev.faultline.topology.config.AnalyzerConfig;
import dev.faultline.topology.stores.OpenWindowStore;

/**
 * When a service was last seen reaches its heartbeat when a window closes and when a liveness check changes its liveness,
 * not with every record nor at every check; the open windows publish theirs at each check.
 */
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

    /** When the query API says the service was last seen in an open window, as of the latest check. */
    private Instant lastSeenInOpenWindows(String service) {
        OpenWindowStore windows = (OpenWindowStore) analyzer.driver.getStateStore(Names.SERVICE_WINDOWS_STORE);
        Long seen = OpenWindowStore.LAST_SEEN.create(new StateStoreProvider() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> List<T> stores(String storeName, QueryableStoreType<T> type) {
                assertThat(type.accepts(windows)).isTrue();
                return List.of((T) windows);
            }
        }, Names.SERVICE_WINDOWS_STORE).of(service);
        return seen == null ? null : Instant.ofEpochMilli(seen);
    }

    @Test
    void shouldWriteAHeartbeatWhenLivenessChangesAndPublishTheOpenWindowsTimeAtEachCheck() {
        // One record a second for 20 s, live; the test driver commits after every record.
        for (int second = 0; second < 20; second++) {
            analyzer.wallClockTo(at(0, second));
            if (second % 2 == 0) {
                analyzer.request("payments", at(0, second), false, 10);
            } else {
                analyzer.log("payments", LogSeverity.INFO, "ok", at(0, second));
            }
        }
        assertThat(lastSeenInOpenWindows("payments")).as("as of the check at 15 s").isEqualTo(at(0, 14));
        analyzer.wallClockTo(at(0, 20));

        assertThat(lastSeenInOpenWindows("payments")).isEqualTo(at(0, 19));
        assertThat(heartbeat("payments").getLastSeen()).as("its first, at the check at 5 s").isEqualTo(at(0, 4));
        assertThat(heartbeat("payments").getLiveness()).isEqualTo(Liveness.ALIVE);
        List<String> changelog = heartbeatChangelogKeys();
        assertThat(changelog.stream().filter("payments"::equals)).as("its first heartbeat; liveness has not changed since").hasSize(1);
        assertThat(changelog.stream().filter(key -> !key.equals("payments"))).as("the task clock, moved by each record").hasSize(20);
    }

    @Test
    void shouldWriteTheLatestTimeWithTheLivenessChangeWhenAServiceComesBack() {
        analyzer.request("payments", at(0, 1), false, 10);
        analyzer.wallClockTo(at(0, 5));
        analyzer.wallClockTo(at(0, 25));
        assertThat(heartbeat("payments").getLiveness()).isEqualTo(Liveness.DOWN);
        analyzer.request("payments", at(0, 26), false, 10);
        analyzer.wallClockTo(at(0, 30));

        assertThat(heartbeat("payments").getLiveness()).isEqualTo(Liveness.ALIVE);
        assertThat(heartbeat("payments").getLastSeen()).isEqualTo(at(0, 26));
        assertThat(analyzer.faultEvents()).containsExactly("0:21 OPENED payments SERVICE_DOWN CRITICAL", "0:30 RESOLVED payments SERVICE_DOWN CRITICAL");
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
