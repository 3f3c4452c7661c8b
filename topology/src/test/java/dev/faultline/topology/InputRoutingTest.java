package dev.faultline.topology;

import static dev.faultline.topology.AnalyzerDriver.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyDescription.Node;
import org.apache.kafka.streams.TopologyDescription.Sink;
import org.apache.kafka.streams.TopologyDescription.Source;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import dev.faultline.schema.WindowStats;
import dev.faultline.topology.config.AnalyzerConfig;
import dev.faultline.topology.processors.ByServicePartitioner;

/**
 * How input records reach their service's task ({@code analyzer.input.keyed-by-service}): in place when read in their
 * service's partition, the detour for the others ({@code auto}, the default); in place or dead-lettered ({@code true});
 * always the repartition ({@code false}).
 */
class InputRoutingTest {
    private static final int PARTITIONS = 2;
    /** The test driver reads every input record from partition 0. */
    private static final String IN_PARTITION_0 = service(0);
    private static final String IN_PARTITION_1 = service(1);

    private static String service(int partition) {
        return IntStream.range(0, 100).mapToObj(i -> "svc-" + i)
            .filter(s -> ByServicePartitioner.partitionOf(s, PARTITIONS) == partition).findFirst().orElseThrow();
    }

    private static AnalyzerDriver analyzer(String keyedByService) {
        return new AnalyzerDriver(Map.of(AnalyzerConfig.INPUT_KEYED_BY_SERVICE, keyedByService,
            AnalyzerConfig.TOPICS_PARTITIONS, String.valueOf(PARTITIONS)), at(0, 0));
    }

    /** The services of the records on the detour's topic, in the order written. */
    private static List<String> detoured(AnalyzerDriver analyzer) {
        return analyzer.driver.createOutputTopic(Names.detourTopic(analyzer.config.applicationId()), new StringDeserializer(),
            new StringDeserializer()).readRecordsToList().stream().map(TestRecord::key).toList();
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
    void shouldRouteAutomaticallyByDefault() {
        try (AnalyzerDriver analyzer = new AnalyzerDriver()) {
            assertThat(analyzer.config.inputPartitioning().setting()).isEqualTo("auto");
        }
    }

    @Test
    void shouldCountSignalsReadInTheirServicesPartitionInPlaceWithoutTheDetour() {
        try (AnalyzerDriver analyzer = analyzer("auto")) {
            analyzer.requests(IN_PARTITION_0, 0, 3, 1, 20);
            analyzer.request(IN_PARTITION_0, at(1, 15), false, 5);

            assertThat(analyzer.serviceWindows()).extracting(WindowStats::getService, WindowStats::getRequestCount)
                .containsExactly(tuple(IN_PARTITION_0, 3L));
            assertThat(detoured(analyzer)).isEmpty();
            assertThat(analyzer.deadLetters()).isEmpty();
        }
    }

    @Test
    void shouldSendARecordReadOutsideItsServicesPartitionAndEveryLaterOneOfTheTaskTheDetourAndCountEachOnce() {
        try (AnalyzerDriver analyzer = analyzer("auto")) {
            analyzer.requests(IN_PARTITION_0, 0, 2, 0, 20);
            analyzer.requests(IN_PARTITION_1, 0, 3, 1, 20);
            analyzer.requests(IN_PARTITION_0, 0, 4, 0, 20);
            analyzer.request(IN_PARTITION_0, at(1, 15), false, 5);
            analyzer.request(IN_PARTITION_1, at(1, 15), false, 5);

            assertThat(analyzer.serviceWindows()).extracting(WindowStats::getService, WindowStats::getRequestCount, WindowStats::getErrorCount)
                .containsExactlyInAnyOrder(tuple(IN_PARTITION_0, 6L, 0L), tuple(IN_PARTITION_1, 3L, 1L));
            // The first two were counted in place; from the first record outside its partition on, all took the detour.
            assertThat(detoured(analyzer)).containsExactly(IN_PARTITION_1, IN_PARTITION_1, IN_PARTITION_1,
                IN_PARTITION_0, IN_PARTITION_0, IN_PARTITION_0, IN_PARTITION_0, IN_PARTITION_0, IN_PARTITION_1);
            assertThat(analyzer.deadLetters()).isEmpty();
        }
    }

    @Test
    void shouldCountOnlySignalsReadInTheirServicesPartitionAndDeadLetterTheOthersWhenToldInputIsKeyed() {
        try (AnalyzerDriver analyzer = analyzer("true")) {
            analyzer.requests(IN_PARTITION_0, 0, 3, 1, 20);
            analyzer.requests(IN_PARTITION_1, 0, 2, 0, 20);
            analyzer.request(IN_PARTITION_0, at(1, 15), false, 5);

            assertThat(analyzer.serviceWindows()).extracting(WindowStats::getService, WindowStats::getRequestCount)
                .containsExactly(tuple(IN_PARTITION_0, 3L));
            assertThat(analyzer.deadLetters()).hasSize(2).extracting(r -> r.value().getReason() + ": " + r.value().getErrorMessage())
                .allMatch(m -> m.equals("VALIDATION_ERROR: read from partition 0, but service '" + IN_PARTITION_1 + "' is in partition 1 of 2:"
                    + " with analyzer.input.keyed-by-service=true, producers must key telemetry by service with Kafka's default partitioner"));
        }
    }

    @Test
    void shouldNameTheStepsOfEachRoutingAndReadTheDetourWhereTheRepartitionWrites() {
        String application = "faultline";
        String repartitioned = application + "-signals-by-service-repartition";
        assertThat(Names.detourTopic(application)).isEqualTo(repartitioned);

        TopologyDescription auto = describe("auto");
        assertThat(sinkTopics(auto)).contains(repartitioned);
        assertThat(sourceTopics(auto)).contains(repartitioned);
        assertThat(auto.subtopologies()).hasSize(1);
        assertThat(nodeNames(auto)).contains("signals-in-service-partition", "signals-detour-sink", "signals-detour-source",
            "signals-merge-detour").doesNotContain("signals-keyed-by-service");

        TopologyDescription keyed = describe("true");
        assertThat(sinkTopics(keyed)).noneMatch(topic -> topic.contains("repartition"));
        assertThat(nodeNames(keyed)).contains("signals-in-service-partition").doesNotContain("signals-keyed-by-service", "signals-detour-sink");

        TopologyDescription repartition = describe("false");
        assertThat(repartition.subtopologies()).hasSize(2);
        assertThat(sinkTopics(repartition)).contains(Names.SIGNALS_BY_SERVICE + "-repartition");
        assertThat(nodeNames(repartition)).contains("signals-keyed-by-service").doesNotContain("signals-in-service-partition");
    }

    private static TopologyDescription describe(String keyedByService) {
        try (AnalyzerDriver analyzer = analyzer(keyedByService)) {
            return AnalyzerTopology.build(analyzer.config, new AnalyzerSerdes(analyzer.config.kafka())).describe();
        }
    }

    private static List<Node> nodes(TopologyDescription description) {
        return description.subtopologies().stream().flatMap(s -> s.nodes().stream()).toList();
    }

    private static List<String> nodeNames(TopologyDescription description) {
        return nodes(description).stream().map(Node::name).toList();
    }

    private static List<String> sinkTopics(TopologyDescription description) {
        return nodes(description).stream().filter(n -> n instanceof Sink).map(n -> ((Sink) n).topic()).toList();
    }

    private static List<String> sourceTopics(TopologyDescription description) {
        return nodes(description).stream().filter(n -> n instanceof Source).flatMap(n -> ((Source) n).topicSet().stream()).toList();
    }
}
