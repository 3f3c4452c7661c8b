package dev.faultline.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

class ScenarioReaderTest {
    static final java.util.List<String> BUILT_IN = ScenarioReader.BUILT_IN;

    @ParameterizedTest
    @FieldSource("BUILT_IN")
    void everyBuiltInScenarioLoadsWithFaultsInsideItsDuration(String name) {
        Scenario scenario = ScenarioReader.load(name);
        assertThat(scenario.name()).isEqualTo(name);
        assertThat(scenario.faults()).isNotEmpty()
            .allSatisfy(f -> assertThat(f.end()).isLessThanOrEqualTo(scenario.duration()));
    }

    @Test
    void readsEveryFieldAndExpandsCountedServices() {
        Scenario scenario = ScenarioReader.parse("""
            name: s
            duration: 90s
            seed: 5
            daily-amplitude: 0.25
            services:
              - {name: "web-{n}", count: 3, rate: 7.5, latency: 250ms, error-rate: 0.02, instances: 4, calls: [db], operations: [GET], cpu: 0.1, memory: 0.2, disk: 0.3}
              - {name: db}
            faults:
              - {type: dependency-outage, service: web-2, target: db, start: 10s, duration: 1m, ramp: 20s, magnitude: 0.5}
              - {type: disk-exhaustion, service: db, instance: db-1, start: 0s, duration: 1.5m}
            """, "test");
        assertThat(scenario.services()).extracting(ServiceProfile::name).containsExactly("web-1", "web-2", "web-3", "db");
        assertThat(scenario.services().get(1)).isEqualTo(new ServiceProfile("web-2", 7.5, 250, 0.02, 4, java.util.List.of("db"),
            java.util.List.of("GET"), 0.1, 0.2, 0.3));
        assertThat(scenario.service("db").orElseThrow().operations()).containsExactly("GET /db");
        InjectedFault outage = scenario.faults().get(0);
        assertThat(outage).isEqualTo(new InjectedFault("f1", FaultType.DEPENDENCY_OUTAGE, "web-2", java.util.Optional.of("db"),
            java.util.Optional.empty(), Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofSeconds(20), 0.5));
        assertThat(scenario.faults().get(1).magnitude()).isEqualTo(FaultType.DISK.defaultMagnitude());
        assertThat(scenario.seed()).isEqualTo(5);
        assertThat(scenario.dailyAmplitude()).isEqualTo(0.25);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "name: s                                                            | services is required",
        "{name: s, services: []}                                            | services = []; expected a non-empty list",
        "{name: s, services: [{name: a}], colour: red}                      | colour is not a known field",
        "{name: s, services: [{name: a, rate: -1}]}                         | services[0].rate = -1; expected a number in 0.0..1000000.0",
        "{name: s, services: [{name: a, latency: fast}]}                    | services[0].latency = \"fast\"; expected a duration",
        "{name: s, services: [{name: a, calls: [b]}]}                       | service a calls b, which is not defined",
        "{name: s, services: [{name: a}, {name: a}]}                        | service a is defined twice",
        "{name: s, services: [{name: a, count: 2}]}                         | services[0].name = \"a\"; expected a pattern containing {n}",
        "{name: s, services: [{name: a}], faults: [{type: meteor, service: a, start: 1s, duration: 1s}]} | faults[0].type = \"meteor\"; expected one of latency, error-rate",
        "{name: s, services: [{name: a}], faults: [{type: latency, service: b, start: 1s, duration: 1s}]} | faults[0].service = \"b\"",
        "{name: s, services: [{name: a}], faults: [{type: dns-failure, service: a, start: 1s, duration: 1s}]} | faults[0].target is required",
        "{name: s, services: [{name: a}], faults: [{type: latency, service: a, start: 1s}]}              | faults[0].duration is required",
        "{name: s, services: [{name: a}], faults: [{type: latency, service: a, start: 1m, duration: 2m}]} | ending within the scenario's 120 s",
        "{name: s, services: [{name: a}], faults: [{type: error-rate, service: a, start: 1s, duration: 1s, magnitude: 2}]} | faults[0].magnitude = 2; expected 0.0..1.0 for error-rate",
        "{name: s, services: [{name: a}], faults: [{type: latency, service: a, start: 1s, duration: 2s, ramp: 3s}]} | faults[0].ramp",
        "'[1, 2]'                                                           | the document must be a mapping",
        "'name: [unclosed'                                                  | not valid YAML",
    })
    void badScenariosAreRefusedWithTheFieldAndWhatIsAccepted(String yaml, String message) {
        assertThatThrownBy(() -> ScenarioReader.parse(yaml, "bad.yaml"))
            .isInstanceOf(ScenarioException.class)
            .hasMessageStartingWith("bad.yaml: ")
            .hasMessageContaining(message);
    }

    @Test
    void anUnknownNameThatIsNoFileListsTheBuiltInScenarios() {
        assertThatThrownBy(() -> ScenarioReader.load("no-such-scenario"))
            .hasMessageContaining("neither a built-in scenario (checkout-payments-postgres, bad-deploy");
    }

    @Test
    void stretchingAScenarioScalesEveryOffset() {
        Scenario scenario = ScenarioReader.load("checkout-payments-postgres").over(Duration.ofMinutes(4));
        InjectedFault outage = scenario.faults().get(0);
        assertThat(outage.start()).isEqualTo(Duration.ofSeconds(40));
        assertThat(outage.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(outage.ramp()).isEqualTo(Duration.ofMinutes(2));
    }
}
