package dev.faultline.topology.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import dev.faultline.local.LocalAlertmanager;
import dev.faultline.local.LocalKafkaBroker;
import dev.faultline.schema.Evidence;
import dev.faultline.schema.FaultCategory;
import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.FaultEventType;
import dev.faultline.schema.FaultKind;
import dev.faultline.schema.Measurement;
import dev.faultline.schema.Severity;
import dev.faultline.serde.AvroSerde;
import dev.faultline.topology.app.TopicProvisioner;
import dev.faultline.topology.config.AnalyzerConfig;

/** The bridge against a real broker and a real Alertmanager (Debian's prometheus-alertmanager). */
class AlertmanagerBridgeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalKafkaBroker broker;
    private static LocalAlertmanager alertmanager;
    private static HttpServer webhook;
    private static final List<JsonNode> notifications = new CopyOnWriteArrayList<>();
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        broker = LocalKafkaBroker.start();
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/", exchange -> {
            notifications.add(JSON.readTree(exchange.getRequestBody()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        webhook.start();
        alertmanager = LocalAlertmanager.start("http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook");
    }

    @AfterAll
    static void stop() {
        if (alertmanager != null) {
            alertmanager.close();
        }
        if (webhook != null) {
            webhook.stop(0);
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void openedFaultsFireInAlertmanagerAndResolvedOnesResolve() throws Exception {
        AnalyzerConfig config = config();
        try (KafkaProducer<String, FaultEvent> producer = producer(config)) {
            // An unreadable record first: the bridge must skip it, not stop.
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                    new org.apache.kafka.common.serialization.ByteArraySerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(config.topics().faultEvents(), 0, null, "not avro".getBytes())).get();
            }
            // Opened before the bridge starts: found again by reading back over the lookback.
            FaultEvent opened = fault("payments-" + UUID.randomUUID(), FaultEventType.OPENED, Severity.HIGH);
            send(producer, config, opened);
            try (AlertBridge bridge = start(config)) {
                JsonNode alert = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> activeAlert(opened.getFaultId()), a -> a != null);
                assertThat(alert.path("labels").path("alertname").asText()).isEqualTo("FaultlineFault");
                assertThat(alert.path("labels").path("service").asText()).isEqualTo(opened.getService());
                assertThat(alert.path("labels").path("kind").asText()).isEqualTo("HIGH_ERROR_RATE");
                assertThat(alert.path("labels").path("category").asText()).isEqualTo("PERFORMANCE");
                assertThat(alert.path("labels").path("severity").asText()).isEqualTo("HIGH");
                assertThat(alert.path("annotations").path("summary").asText()).isEqualTo("error rate 28.5% over 291 requests");
                assertThat(alert.path("annotations").path("measurements").asText()).isEqualTo("error_rate 0.285 > 0.1");
                assertThat(alert.path("annotations").path("sample_logs").asText()).contains("SocketTimeoutException");
                assertThat(alert.path("annotations").path("trace_ids").asText()).isEqualTo("4bf92f3577b34da6");
                assertThat(alert.path("status").path("state").asText()).isEqualTo("active");
                assertThat(Instant.parse(alert.path("startsAt").asText())).isEqualTo(opened.getOpenedAt());
                await().atMost(Duration.ofSeconds(30)).until(() -> notified(opened.getFaultId(), "firing"));

                // An update (escalation) changes the alert's severity label, as a new alert on the same fault.
                FaultEvent escalated = copy(opened, FaultEventType.UPDATED, Severity.CRITICAL);
                send(producer, config, escalated);
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    JsonNode a = activeAlert(opened.getFaultId());
                    return a != null && a.path("labels").path("severity").asText().equals("CRITICAL");
                });

                send(producer, config, copy(escalated, FaultEventType.RESOLVED, Severity.CRITICAL));
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> notified(opened.getFaultId(), "resolved"));
                await().atMost(Duration.ofSeconds(30)).until(() -> activeAlert(opened.getFaultId()) == null
                    || !activeAlert(opened.getFaultId()).path("labels").path("severity").asText().equals("CRITICAL"));
            }
        }
    }

    @Test
    void openFaultsAreResentSoTheyOutliveTheirFirstEndsAt() throws Exception {
        AnalyzerConfig config = config();
        try (KafkaProducer<String, FaultEvent> producer = producer(config); AlertBridge bridge = start(config)) {
            FaultEvent opened = fault("search-" + UUID.randomUUID(), FaultEventType.OPENED, Severity.HIGH);
            send(producer, config, opened);
            JsonNode first = await().atMost(Duration.ofSeconds(30)).until(() -> activeAlert(opened.getFaultId()), a -> a != null);
            Instant firstEnd = Instant.parse(first.path("endsAt").asText());
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode again = activeAlert(opened.getFaultId());
                return again != null && Instant.parse(again.path("endsAt").asText()).isAfter(firstEnd);
            });
        }
    }

    private static AnalyzerConfig config() throws Exception {
        String topic = "faults-" + UUID.randomUUID();
        try (Admin admin = broker.admin()) {
            TopicProvisioner.ensure(admin, List.of(new NewTopic(topic, 3, (short) 1)));
        }
        return AnalyzerConfig.from(Map.of(
            "bootstrap.servers", broker.bootstrapServers(),
            "schema.registry.url", "mock://alerts-" + topic,
            AnalyzerConfig.TOPIC_FAULT_EVENTS, topic,
            AnalyzerConfig.ALERTMANAGER_URLS, alertmanager.url(),
            AnalyzerConfig.ALERTMANAGER_RESEND_MS, "2000"));
    }

    private static AlertBridge start(AnalyzerConfig config) {
        AlertBridge bridge = new AlertBridge(config, "127.0.0.1:8080", Clock.systemUTC());
        Thread thread = new Thread(bridge, "bridge-under-test");
        thread.setDaemon(true);
        thread.start();
        return bridge;
    }

    private static KafkaProducer<String, FaultEvent> producer(AnalyzerConfig config) {
        AvroSerde<FaultEvent> serde = AvroSerde.specific(FaultEvent.class);
        serde.configure(config.kafka(), false);
        return new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()), new StringSerializer(), serde.serializer());
    }

    private static void send(KafkaProducer<String, FaultEvent> producer, AnalyzerConfig config, FaultEvent event) throws Exception {
        producer.send(new ProducerRecord<>(config.topics().faultEvents(), event.getService(), event)).get();
    }

    private static FaultEvent fault(String service, FaultEventType type, Severity severity) {
        Instant opened = Instant.now().minusSeconds(60);
        return FaultEvent.newBuilder().setAnalyzerVersion("test").setEventTime(opened).setFaultId(service + "/HIGH_ERROR_RATE/" + opened.toEpochMilli())
            .setType(type).setService(service).setCategory(FaultCategory.PERFORMANCE).setKind(FaultKind.HIGH_ERROR_RATE)
            .setSeverity(severity).setOpenedAt(opened)
            .setEvidence(Evidence.newBuilder().setSummary("error rate 28.5% over 291 requests")
                .setMeasurements(List.of(new Measurement("error_rate", 0.285, 0.1, ">")))
                .setSampleLogs(List.of("java.net.SocketTimeoutException: Read timed out"))
                .setTraceIds(List.of("4bf92f3577b34da6")).build())
            .build();
    }

    private static FaultEvent copy(FaultEvent event, FaultEventType type, Severity severity) {
        return FaultEvent.newBuilder(event).setType(type).setSeverity(severity).setEventTime(Instant.now()).build();
    }

    /** The alert for a fault as Alertmanager lists it (active ones only), or null. */
    private static JsonNode activeAlert(String faultId) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(alertmanager.url() + "/api/v2/alerts?active=true"))
            .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonNode found = null;
        for (JsonNode alert : JSON.readTree(response.body())) {
            if (alert.path("labels").path("fault_id").asText().equals(faultId)) {
                found = alert;
            }
        }
        return found;
    }

    private static boolean notified(String faultId, String status) {
        return notifications.stream().flatMap(n -> java.util.stream.StreamSupport.stream(n.path("alerts").spliterator(), false))
            .anyMatch(a -> a.path("labels").path("fault_id").asText().equals(faultId) && a.path("status").asText().equals(status));
    }
}
