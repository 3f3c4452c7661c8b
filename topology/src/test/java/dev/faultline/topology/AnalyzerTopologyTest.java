package dev.faultline.topology;

import static dev.faultline.topology.TestEvents.T0;
import static dev.faultline.topology.TestEvents.failedRequest;
import static dev.faultline.topology.TestEvents.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.WindowStats;
import dev.faultline.serde.MockSchemaRegistry;
import dev.faultline.serde.SerdeConfig;
import dev.faultline.topology.config.AnalyzerConfig;

class AnalyzerTopologyTest {
    private String scope;
    private AnalyzerConfig config;
    private AnalyzerSerdes serdes;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], RequestEvent> requests;
    private TestOutputTopic<String, WindowStats> windowStats;

    @BeforeEach
    void setUp() {
        scope = "topology-" + UUID.randomUUID();
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", "unused:9092");
        settings.put(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);
        config = AnalyzerConfig.from(settings);
        serdes = new AnalyzerSerdes(config.kafka());
        Properties props = new Properties();
        props.putAll(config.kafka());
        driver = new TopologyTestDriver(AnalyzerTopology.build(config, serdes), props);
        requests = driver.createInputTopic(config.topics().requests(), new ByteArraySerializer(), serdes.requests().serializer());
        windowStats = driver.createOutputTopic(config.topics().windowStats(), new StringDeserializer(), serdes.windowStats().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
        MockSchemaRegistry.dropScope(scope);
    }

    private void send(RequestEvent request) {
        requests.pipeInput(null, request, request.getStartTime());
    }

    @Test
    void shouldEmitOneStatisticsRecordPerServiceWhenTheWindowClosesAfterGrace() {
        send(request("payments", 20, T0.plusSeconds(1)));
        send(failedRequest("payments", 900, T0.plusSeconds(30)));
        send(request("payments", 40, T0.plusSeconds(59)));
        send(request("checkout", 5, T0.plusSeconds(10)));
        // Stream time reaches the window end (60 s) but not end + grace (70 s): nothing yet.
        send(request("checkout", 5, T0.plusSeconds(69)));
        assertThat(windowStats.isEmpty()).isTrue();
        // A late record within grace still counts.
        send(request("payments", 10, T0.plusSeconds(58)));

        send(request("checkout", 5, T0.plusSeconds(70)));

        Map<String, WindowStats> closed = new HashMap<>();
        windowStats.readKeyValuesToList().forEach(kv -> closed.put(kv.key, kv.value));
        assertThat(closed).containsOnlyKeys("payments", "checkout");
        WindowStats payments = closed.get("payments");
        assertThat(payments.getWindowStart()).isEqualTo(T0);
        assertThat(payments.getWindowEnd()).isEqualTo(T0.plusSeconds(60));
        assertThat(payments.getEventTime()).isEqualTo(T0.plusSeconds(60));
        assertThat(payments.getRequestCount()).isEqualTo(4);
        assertThat(payments.getErrorCount()).isEqualTo(1);
        assertThat(payments.getErrorRate()).isEqualTo(0.25);
        assertThat(payments.getThroughput()).isEqualTo(4 / 60.0);
        assertThat(payments.getLatencyMaxMs()).isEqualTo(900.0);
        assertThat(payments.getAnalyzerVersion()).isEqualTo(AnalyzerVersion.VERSION).isNotBlank();
        assertThat(closed.get("checkout").getRequestCount()).isEqualTo(1);
    }

    @Test
    void shouldDropRecordsLaterThanGraceWithoutReopeningTheWindow() {
        send(request("payments", 20, T0.plusSeconds(1)));
        send(request("payments", 20, T0.plusSeconds(70)));
        assertThat(windowStats.readValuesToList()).extracting(WindowStats::getRequestCount).containsExactly(1L);

        send(request("payments", 20, T0.plusSeconds(2)));
        send(request("payments", 20, T0.plusSeconds(130)));

        // The too-late record is not counted anywhere and [0 s, 60 s) is not emitted again;
        // only [60 s, 120 s), holding the record at 70 s, closes.
        assertThat(windowStats.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("payments");
            assertThat(kv.value.getWindowStart()).isEqualTo(T0.plusSeconds(60));
            assertThat(kv.value.getRequestCount()).isEqualTo(1);
        });
    }

    @Test
    void shouldKeepOpenWindowsQueryableInTheNamedStore() {
        send(request("payments", 20, T0.plusSeconds(1)));
        send(request("payments", 30, T0.plusSeconds(2)));

        WindowStore<String, WindowStats> store = driver.getWindowStore(Names.REQUEST_STATS_STORE);
        assertThat(store.fetch("payments", T0.toEpochMilli()).getRequestCount()).isEqualTo(2);
    }

    @Test
    void shouldKeepStableNamesForProcessorsStoresAndInternalTopics() {
        Topology topology = AnalyzerTopology.build(config, serdes);
        TopologyDescription description = topology.describe();
        StringBuilder names = new StringBuilder();
        description.subtopologies().forEach(sub -> sub.nodes().forEach(node -> {
            names.append(node.name()).append('\n');
            if (node instanceof TopologyDescription.Processor processor) {
                processor.stores().forEach(store -> names.append("store:").append(store).append('\n'));
            }
            if (node instanceof TopologyDescription.Sink sink) {
                names.append("topic:").append(sink.topic()).append('\n');
            }
        }));
        assertThat(names.toString().lines().sorted().toList()).containsExactly(
            "request-stats-aggregate",
            "request-stats-closed",
            "request-stats-final",
            "requests-by-service-repartition-filter",
            "requests-by-service-repartition-sink",
            "requests-by-service-repartition-source",
            "requests-keyed-by-service",
            "requests-source",
            "store:request-stats",
            "topic:faultline.window-stats",
            "topic:requests-by-service-repartition",
            "window-stats-sink");
    }
}
