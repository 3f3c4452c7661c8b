package dev.faultline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.faultline.generator.GroundTruth;
import dev.faultline.generator.ScenarioReader;
import dev.faultline.generator.Telemetry;
import dev.faultline.generator.TelemetryGenerator;
import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.LogRecord;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;
import dev.faultline.topology.AnalyzerDriver;

/**
 * The shipped scenarios through the analyzer's topology with the demo's settings, scored
 * against the generator's ground truth: every fault a scenario injects is detected as the
 * kinds it should be, in time. (many-services, 1.5 million records, is left to the load
 * benchmark.)
 */
class ScenarioDetectionTest {

    @ParameterizedTest
    @ValueSource(strings = {"checkout-payments-postgres", "bad-deploy", "resource-exhaustion", "network-trouble"})
    void everyInjectedFaultIsDetectedAsTheExpectedKinds(String scenario) throws Exception {
        Instant start = Instant.parse("2026-11-22T09:00:00Z");
        TelemetryGenerator generator = new TelemetryGenerator(ScenarioReader.load(scenario), start);
        List<FaultEvent> faults;
        try (AnalyzerDriver driver = new AnalyzerDriver(demoSettings(), start)) {
            Duration total = generator.scenario().duration().plusSeconds(30);
            for (Duration t = Duration.ZERO; t.compareTo(total) < 0; t = t.plus(GenerateCommand.SLICE)) {
                Instant from = start.plus(t);
                if (t.compareTo(generator.scenario().duration()) < 0) {
                    for (Telemetry telemetry : generator.between(from, from.plus(GenerateCommand.SLICE))) {
                        pipe(driver, telemetry.record());
                    }
                }
                driver.wallClockStepsTo(from.plus(GenerateCommand.SLICE));
            }
            // After the scenario every service falls silent; what the analyzer says then is not scored.
            Instant end = start.plus(generator.scenario().duration());
            faults = driver.faultEventRecords().stream().filter(f -> f.getEventTime().isBefore(end)).toList();
        }
        GroundTruth.Score score = GroundTruth.of(generator).score(faults, Duration.ofSeconds(30));
        assertThat(score.missed()).as("missed detections; fault events were %s", faults.stream()
            .map(f -> f.getType() + " " + f.getService() + " " + f.getKind() + " at " + f.getEventTime()).toList()).isEmpty();
        assertThat(score.unexpected()).as("faults on services no injected fault reaches").isEmpty();
        // Detected within three windows plus the rule's own duration (HIGH_LATENCY waits 30 s here).
        assertThat(score.detections()).allSatisfy(d -> assertThat(d.delay().orElseThrow()).isLessThanOrEqualTo(Duration.ofSeconds(70)));
    }

    static Map<String, String> demoSettings() throws Exception {
        Properties properties = new Properties();
        try (InputStream in = DemoCommand.class.getResourceAsStream("demo.properties")) {
            properties.load(in);
        }
        Map<String, String> settings = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name)));
        return settings;
    }

    private static void pipe(AnalyzerDriver driver, SpecificRecord record) {
        if (record instanceof RequestEvent request) {
            driver.pipe(request);
        } else if (record instanceof MetricSample sample) {
            driver.pipe(sample);
        } else {
            driver.pipe((LogRecord) record);
        }
    }
}
