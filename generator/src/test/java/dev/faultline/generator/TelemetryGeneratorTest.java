package dev.faultline.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import dev.faultline.schema.LogRecord;
import dev.faultline.schema.MetricSample;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;

class TelemetryGeneratorTest {
    private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

    private static List<Telemetry> play(Scenario scenario, Duration from, Duration to) {
        TelemetryGenerator generator = new TelemetryGenerator(scenario, START);
        List<Telemetry> all = new ArrayList<>();
        for (Duration t = Duration.ZERO; t.compareTo(to) < 0; t = t.plusMillis(100)) {
            List<Telemetry> slice = generator.between(START.plus(t), START.plus(t).plusMillis(100));
            if (t.compareTo(from) >= 0) {
                all.addAll(slice);
            }
        }
        return all;
    }

    private static List<RequestEvent> requests(List<Telemetry> telemetry, String service) {
        return telemetry.stream().map(Telemetry::record).filter(RequestEvent.class::isInstance).map(RequestEvent.class::cast)
            .filter(r -> r.getService().equals(service)).toList();
    }

    private static double errorRate(List<RequestEvent> requests) {
        return (double) requests.stream().filter(r -> r.getStatus() == SpanStatus.ERROR).count() / requests.size();
    }

    private static List<String> logs(List<Telemetry> telemetry, String service, Predicate<String> body) {
        return telemetry.stream().map(Telemetry::record).filter(LogRecord.class::isInstance).map(LogRecord.class::cast)
            .filter(l -> l.getService().equals(service) && body.test(l.getBody())).map(LogRecord::getBody).toList();
    }

    @Test
    void sameScenarioAndStartGiveTheSameTelemetry() {
        Scenario scenario = ScenarioReader.load("checkout-payments-postgres");
        assertThat(play(scenario, Duration.ZERO, Duration.ofSeconds(30)))
            .isEqualTo(play(scenario, Duration.ZERO, Duration.ofSeconds(30)));
    }

    @Test
    void baselineFollowsTheProfilesAndSamplesEveryInstanceEverySecond() {
        Scenario scenario = ScenarioReader.load("checkout-payments-postgres");
        List<Telemetry> baseline = play(scenario, Duration.ZERO, Duration.ofSeconds(20));
        List<RequestEvent> payments = requests(baseline, "payments");
        assertThat(payments.size() / 20.0).isCloseTo(20, within(3.0));
        assertThat(errorRate(payments)).isLessThan(0.03);
        double[] latencies = payments.stream().mapToDouble(RequestEvent::getDurationMs).sorted().toArray();
        assertThat(latencies[latencies.length / 2]).isCloseTo(30, within(5.0));
        List<MetricSample> samples = baseline.stream().map(Telemetry::record).filter(MetricSample.class::isInstance)
            .map(MetricSample.class::cast).filter(m -> m.getService().equals("payments")).toList();
        // 20 seconds x 2 instances x (cpu, memory, disk)
        assertThat(samples).hasSize(120);
        assertThat(samples).filteredOn(m -> m.getName().equals("system.cpu.utilization"))
            .allSatisfy(m -> assertThat(m.getValue()).isBetween(0.2, 0.5));
    }

    @Test
    void dependencyOutageRampsErrorsAndTimeoutLogsAndSpreadsUpstream() {
        Scenario scenario = ScenarioReader.load("checkout-payments-postgres");
        List<Telemetry> early = play(scenario, Duration.ofSeconds(30), Duration.ofSeconds(40));
        List<Telemetry> late = play(scenario, Duration.ofSeconds(70), Duration.ofSeconds(80));
        assertThat(errorRate(requests(early, "payments"))).isBetween(0.05, 0.18);
        assertThat(errorRate(requests(late, "payments"))).isBetween(0.3, 0.5);
        assertThat(errorRate(requests(late, "checkout"))).isBetween(0.06, 0.2);
        assertThat(errorRate(requests(late, "postgres"))).isLessThan(0.03);
        assertThat(logs(late, "payments", b -> b.contains("SocketTimeoutException"))).hasSizeGreaterThan(40);
        assertThat(requests(late, "payments").stream().mapToDouble(RequestEvent::getDurationMs).average().orElseThrow())
            .isGreaterThan(1000);
        List<Telemetry> after = play(scenario, Duration.ofSeconds(85), Duration.ofSeconds(100));
        assertThat(errorRate(requests(after, "payments"))).isLessThan(0.03);
    }

    @Test
    void diskExhaustionFillsOnlyTheNamedInstanceAndLogsEnospc() {
        List<Telemetry> during = play(ScenarioReader.load("checkout-payments-postgres"), Duration.ofSeconds(55), Duration.ofSeconds(65));
        List<MetricSample> disks = during.stream().map(Telemetry::record).filter(MetricSample.class::isInstance).map(MetricSample.class::cast)
            .filter(m -> m.getName().equals("system.filesystem.utilization") && m.getService().equals("payments")).toList();
        assertThat(disks).filteredOn(m -> m.getInstance().equals("payments-2")).allSatisfy(m -> assertThat(m.getValue()).isCloseTo(97.0, within(1e-9)));
        assertThat(disks).filteredOn(m -> m.getInstance().equals("payments-1")).allSatisfy(m -> assertThat(m.getValue()).isCloseTo(55.0, within(1e-9)));
        assertThat(logs(during, "payments", b -> b.contains("No space left on device"))).hasSize(10);
    }

    @Test
    void aKilledServiceSendsNothingAndItsCallersSeeRefusedConnections() {
        Scenario scenario = ScenarioReader.parse("""
            name: kill
            duration: 1m
            services: [{name: web, rate: 50, calls: [db]}, {name: db, rate: 50}]
            faults: [{type: process-kill, service: db, start: 10s, duration: 20s}]
            """, "test");
        List<Telemetry> during = play(scenario, Duration.ofSeconds(10), Duration.ofSeconds(30));
        assertThat(during).noneMatch(t -> t.service().equals("db"));
        assertThat(errorRate(requests(during, "web"))).isBetween(0.4, 0.6);
        assertThat(logs(during, "web", b -> b.contains("Connection refused (db:8080)"))).isNotEmpty();
        assertThat(play(scenario, Duration.ofSeconds(30), Duration.ofSeconds(31))).anyMatch(t -> t.service().equals("db"));
    }

    @Test
    void resourceFaultsDriveTheirUtilizationAndBadDeploysLogNewErrors() {
        Scenario resources = ScenarioReader.load("resource-exhaustion");
        List<Telemetry> cpu = play(resources, Duration.ofSeconds(40), Duration.ofSeconds(50));
        assertThat(cpu.stream().map(Telemetry::record).filter(MetricSample.class::isInstance).map(MetricSample.class::cast)
            .filter(m -> m.getService().equals("search") && m.getName().equals("system.cpu.utilization")))
            .allSatisfy(m -> assertThat(m.getValue()).isGreaterThan(0.85));
        List<Telemetry> leak = play(resources, Duration.ofSeconds(110), Duration.ofSeconds(120));
        assertThat(leak.stream().map(Telemetry::record).filter(MetricSample.class::isInstance).map(MetricSample.class::cast)
            .filter(m -> m.getService().equals("cache") && m.getName().equals("system.memory.utilization")))
            .allSatisfy(m -> assertThat(m.getValue()).isGreaterThan(0.88));
        List<Telemetry> deploy = play(ScenarioReader.load("bad-deploy"), Duration.ofSeconds(130), Duration.ofSeconds(160));
        assertThat(logs(deploy, "orders", b -> b.contains("NullPointerException") || b.contains("feature flag")
            || b.contains("ClassCastException") || b.contains("schema migration"))).hasSizeGreaterThan(10);
    }
}
