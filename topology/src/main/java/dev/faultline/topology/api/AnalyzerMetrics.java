package dev.faultline.topology.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.KafkaStreams;

import com.fasterxml.jackson.databind.JsonNode;

import dev.faultline.topology.errors.DeadLetterMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The Prometheus endpoint: Kafka Streams' client metrics (Micrometer's binder, which includes
 * consumer lag and end-to-end record latency), process and JVM metrics, and the analyzer's own:
 * records in per input topic, classified logs per kind, dead letters per reason and topic, and,
 * for the services this instance owns, their degradation level, liveness and active faults, so
 * Prometheus and Alertmanager can alert on them. Per-service series are capped, worst first.
 */
public final class AnalyzerMetrics {
    static final int MAX_SERVICE_SERIES = 5_000;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MultiGauge levels;
    private final MultiGauge liveness;
    private final MultiGauge activeFaults;

    public AnalyzerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        // Counters incremented inside processors go through the global registry.
        Metrics.addRegistry(registry);
        levels = MultiGauge.builder("faultline.service.degradation.level")
            .description("Degradation level of a service: 0 NONE, 1-3 LEVEL_1-3, 4 EMERGENCY").register(registry);
        liveness = MultiGauge.builder("faultline.service.up")
            .description("1 while a service reports, 0.5 when SUSPECT, 0 when DOWN").register(registry);
        activeFaults = MultiGauge.builder("faultline.faults.active").description("Firing faults").register(registry);
    }

    public void bind(KafkaStreams streams, Health health) {
        new KafkaStreamsMetrics(streams).bindTo(registry);
        FunctionCounter.builder("faultline.stream.thread.replacements", health, Health::threadReplacements)
            .description("Stream threads that died and were replaced").register(registry);
    }

    /** Refreshes the per-service gauges from this instance's stores, then renders everything. */
    public String scrape(QueryService queries) {
        for (Map.Entry<String, Long> entry : DeadLetterMetrics.snapshot().entrySet()) {
            String[] reasonAndTopic = entry.getKey().split("\\|", 2);
            FunctionCounter.builder("faultline.dead.letters", reasonAndTopic, r -> DeadLetterMetrics.count(r[0], r[1]))
                .tags("reason", reasonAndTopic[0], "topic", reasonAndTopic[1]).register(registry);
        }
        if (queries != null) {
            try {
                refresh(queries.localServices());
                activeFaults(queries.activeFaults(f -> true, Integer.MAX_VALUE));
            } catch (ApiException unavailable) {
                // Rebalancing: keep the last values rather than drop the series.
            }
        }
        return registry.scrape();
    }

    private void refresh(Iterable<JsonNode> services) {
        List<JsonNode> sorted = new ArrayList<>();
        services.forEach(sorted::add);
        sorted.sort(ServiceOrder.MOST_SEVERE_FIRST);
        List<MultiGauge.Row<?>> levelRows = new ArrayList<>();
        List<MultiGauge.Row<?>> upRows = new ArrayList<>();
        for (JsonNode s : sorted.subList(0, Math.min(MAX_SERVICE_SERIES, sorted.size()))) {
            Tags tags = Tags.of("service", s.path("service").asText());
            levelRows.add(MultiGauge.Row.of(tags, dev.faultline.schema.DegradationLevel.valueOf(s.path("level").asText()).ordinal()));
            upRows.add(MultiGauge.Row.of(tags, switch (s.path("liveness").asText()) {
                case "DOWN" -> 0.0;
                case "SUSPECT" -> 0.5;
                default -> 1.0;
            }));
        }
        levels.register(levelRows, true);
        liveness.register(upRows, true);
    }

    /** Rows of active faults, refreshed with the services (service, kind, severity). */
    private void activeFaults(Iterable<JsonNode> faults) {
        Map<Tags, Integer> counts = new java.util.HashMap<>();
        faults.forEach(f -> counts.merge(Tags.of("service", f.path("service").asText(), "kind", f.path("kind").asText(),
            "severity", f.path("severity").asText()), 1, Integer::sum));
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        counts.forEach((tags, count) -> rows.add(MultiGauge.Row.of(tags, count)));
        activeFaults.register(rows, true);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }
}
