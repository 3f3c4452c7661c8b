package dev.faultline.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Store, processor and internal topic names are part of the upgrade contract: changelog and
 * repartition topics are named after them. A rename must be deliberate, so it fails here.
 */
class TopologyNamesTest {
    private final AnalyzerDriver analyzer = new AnalyzerDriver();

    @AfterEach
    void close() {
        analyzer.close();
    }

    @Test
    void shouldKeepStableNamesForStoresAndInternalTopics() {
        TopologyDescription description = AnalyzerTopology.build(analyzer.config, new AnalyzerSerdes(analyzer.config.kafka())).describe();
        Set<String> stores = new TreeSet<>();
        Set<String> topics = new TreeSet<>();
        Set<String> processors = new TreeSet<>();
        description.subtopologies().forEach(sub -> sub.nodes().forEach(node -> {
            processors.add(node.name());
            if (node instanceof TopologyDescription.Processor p) {
                stores.addAll(p.stores());
            }
            if (node instanceof TopologyDescription.Sink sink) {
                topics.add(sink.topic());
            }
        }));
        description.globalStores().forEach(g -> stores.addAll(g.processor().stores()));

        assertThat(stores).containsExactly("classification-rules", "log-templates", "service-fault-history", "service-health", "service-heartbeats", "service-window-history",
            "service-windows");
        assertThat(topics).containsExactly("faultline-signals-by-service-repartition", "faultline.classified-logs",
            "faultline.degradation-changes", "faultline.fault-events", "faultline.window-stats");
        assertThat(processors).contains("requests-source", "requests-validate", "metrics-source", "metrics-validate", "logs-source",
            "logs-validate", "logs-classify", "signals-in-service-partition", "signals-detour-sink", "signals-detour-source",
            "log-templates-miner", "service-windows-aggregate",
            "service-health-evaluator", "fault-events-sink", "degradation-changes-sink", "window-stats-sink", "classified-logs-sink")
            .allSatisfy(name -> assertThat(name).doesNotContain("KSTREAM").doesNotContain("KTABLE"));
    }
}
