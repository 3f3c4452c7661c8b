package dev.faultline.topology;

import static dev.faultline.topology.AnalyzerDriver.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.faultline.schema.WindowStats;
import dev.faultline.topology.config.AnalyzerConfig;
import dev.faultline.topology.processors.ByServicePartitioner;

/** With {@code analyzer.input.keyed-by-service} the analyzer reads signals where producers keyed them, without a repartition. */
class KeyedInputTest {
    private static final int PARTITIONS = 2;
    /** The test driver reads every input record from partition 0. */
    private static final String IN_PARTITION_0 = service(0);
    private static final String IN_PARTITION_1 = service(1);

    private final AnalyzerDriver analyzer = new AnalyzerDriver(
        Map.of(AnalyzerConfig.INPUT_KEYED_BY_SERVICE, "true", AnalyzerConfig.TOPICS_PARTITIONS, String.valueOf(PARTITIONS)), at(0, 0));

    @AfterEach
    void close() {
        analyzer.close();
    }

    private static String service(int partition) {
        return IntStream.range(0, 100).mapToObj(i -> "svc-" + i)
            .filter(s -> ByServicePartitioner.partitionOf(s, PARTITIONS) == partition).findFirst().orElseThrow();
    }

    @Test
    void shouldPlaceAServiceInThePartitionAProducerKeyingByServiceWritesTo() {
        for (int i = 0; i < 1_000; i++) {
            String service = "svc-" + i;
            assertThat(ByServicePartitioner.partitionOf(service, 6))
                .isEqualTo(BuiltInPartitioner.partitionForKey(service.getBytes(StandardCharsets.UTF_8), 6));
        }
    }

    @Test
    void shouldCountSignalsReadInTheirServicesPartitionAndDeadLetterTheOthers() {
        analyzer.requests(IN_PARTITION_0, 0, 3, 1, 20);
        analyzer.requests(IN_PARTITION_1, 0, 2, 0, 20);
        analyzer.request(IN_PARTITION_0, at(1, 15), false, 5);

        assertThat(analyzer.serviceWindows()).extracting(WindowStats::getService, WindowStats::getRequestCount)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(IN_PARTITION_0, 3L));
        assertThat(analyzer.deadLetters()).hasSize(2).extracting(r -> r.value().getReason() + ": " + r.value().getErrorMessage())
            .allMatch(m -> m.equals("VALIDATION_ERROR: read from partition 0, but service '" + IN_PARTITION_1 + "' is in partition 1 of 2:"
                + " with analyzer.input.keyed-by-service=true, producers must key telemetry by service with Kafka's default partitioner"));
    }

    @Test
    void shouldHaveNoRepartitionTopicAndNameItsCheck() {
        TopologyDescription description = AnalyzerTopology.build(analyzer.config, new AnalyzerSerdes(analyzer.config.kafka())).describe();
        assertThat(description.subtopologies()).flatExtracting(TopologyDescription.Subtopology::nodes)
            .filteredOn(node -> node instanceof TopologyDescription.Sink)
            .extracting(node -> ((TopologyDescription.Sink) node).topic())
            .noneMatch(topic -> topic.contains("repartition"));
        assertThat(description.subtopologies()).flatExtracting(TopologyDescription.Subtopology::nodes)
            .extracting(TopologyDescription.Node::name).contains("signals-in-service-partition").doesNotContain("signals-keyed-by-service");
    }
}
