package dev.faultline.topology.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.faultline.local.LocalKafkaBroker;
import dev.faultline.local.LocalSchemaRegistry;
import dev.faultline.schema.LogRecord;
import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.SpanStatus;
import dev.faultline.serde.AvroSerde;
import dev.faultline.topology.config.AnalyzerConfig;

/**
 * Three analyzer instances on a real broker, each owning some partitions, with one standby
 * replica: every instance answers for every service the same; the status page renders in
 * headless Chromium; and when an instance stops, the API answers again, correctly, within
 * a bounded time. The tests run in order on one cluster: the last one stops an instance.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QueryApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "s3cret-token";
    private static final List<String> SERVICES = List.of("payments", "checkout", "search", "inventory", "auth", "mail",
        "billing", "catalog", "cart", "reviews", "shipping", "pricing");
    /** payments fails a third of its requests: it degrades; the rest stay healthy. */
    private static final String DEGRADED = "payments";
    static final Path SCREENSHOT = Path.of("target", "status-page.png");

    private static LocalKafkaBroker broker;
    private static LocalSchemaRegistry registry;
    private static final List<Analyzer> instances = new ArrayList<>();
    private static final ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
    private static final AtomicBoolean sending = new AtomicBoolean(true);
    private static KafkaProducer<byte[], RequestEvent> producer;
    private static KafkaProducer<byte[], LogRecord> logProducer;
    private static final java.util.concurrent.atomic.AtomicInteger ticks = new java.util.concurrent.atomic.AtomicInteger();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static String run;

    @BeforeAll
    static void startCluster() throws Exception {
        broker = LocalKafkaBroker.start();
        registry = LocalSchemaRegistry.start();
        run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            instances.add(Analyzer.start(config(i)));
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> instances.stream().allMatch(a -> a.state() == KafkaStreams.State.RUNNING));
        AvroSerde<RequestEvent> serde = AvroSerde.specific(RequestEvent.class);
        serde.configure(Map.of("schema.registry.url", registry.url()), false);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ProducerConfig.LINGER_MS_CONFIG, "10"), new ByteArraySerializer(), serde.serializer());
        AvroSerde<LogRecord> logSerde = AvroSerde.specific(LogRecord.class);
        logSerde.configure(Map.of("schema.registry.url", registry.url()), false);
        logProducer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ProducerConfig.LINGER_MS_CONFIG, "10"), new ByteArraySerializer(), logSerde.serializer());
        traffic.scheduleAtFixedRate(QueryApiIT::sendTick, 0, 100, TimeUnit.MILLISECONDS);
        // Wait until every service has a closed window and payments has degraded, as seen by any instance.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonNode services = getOrNull(instances.get(0), "/api/v1/services");
            if (services == null || services.path("services").size() != SERVICES.size()
                || services.path("services").get(0).path("level").asText().equals("NONE")
                || services.path("services").get(0).path("activeFaults").asInt() == 0) {
                return false;
            }
            for (String service : SERVICES) {
                JsonNode answer = getOrNull(instances.get(0), "/api/v1/services/" + service);
                if (answer == null || answer.path("latestWindow").path("requestCount").asLong() == 0) {
                    return false;
                }
            }
            return true;
        });
    }

    private static AnalyzerConfig config(int instance) {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", broker.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", "query-" + run);
        settings.put("state.dir", Path.of("target", "query-it-state", run, "i" + instance).toString());
        settings.put("processing.guarantee", "at_least_once");
        settings.put("commit.interval.ms", "200");
        settings.put("num.standby.replicas", "1");
        settings.put(AnalyzerConfig.TOPICS_PARTITIONS, "6");
        settings.put(AnalyzerConfig.WINDOW_SIZE_MS, "2000");
        settings.put(AnalyzerConfig.WINDOW_GRACE_MS, "500");
        settings.put("analyzer.rule.high-error-rate.for.ms", "4000");
        settings.put(AnalyzerConfig.HTTP_PORT, "0");
        settings.put(AnalyzerConfig.HTTP_ADVERTISED_HOST, "127.0.0.1");
        settings.put(AnalyzerConfig.HTTP_TOKEN, TOKEN);
        for (String key : AnalyzerConfig.DEFAULTS.keySet()) {
            if (key.startsWith("analyzer.topic.")) {
                settings.put(key, AnalyzerConfig.DEFAULTS.get(key) + "-" + run);
            }
        }
        return AnalyzerConfig.from(settings);
    }

    private static void sendTick() {
        if (!sending.get()) {
            return;
        }
        Instant now = Instant.now();
        String topic = instances.get(0).config().topics().requests();
        for (String service : SERVICES) {
            for (int i = 0; i < 3; i++) {
                boolean failed = service.equals(DEGRADED) && i == 0;
                producer.send(new ProducerRecord<>(topic, null, now.toEpochMilli(), null, RequestEvent.newBuilder()
                    .setService(service).setOperation("GET /" + service).setStartTime(now).setDurationMs(10 + i * 40)
                    .setStatus(failed ? SpanStatus.ERROR : SpanStatus.OK).build()));
            }
        }
        logProducer.send(new ProducerRecord<>(instances.get(0).config().topics().logs(), null, now.toEpochMilli(), null,
            LogRecord.newBuilder().setService(DEGRADED).setTime(now).setSeverity(LogSeverity.ERROR)
                .setBody("Connection refused to db-" + ticks.incrementAndGet() % 7).build()));
    }

    @AfterAll
    static void stopCluster() {
        sending.set(false);
        traffic.shutdownNow();
        if (producer != null) {
            producer.close();
        }
        if (logProducer != null) {
            logProducer.close();
        }
        instances.forEach(Analyzer::close);
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void everyInstanceAnswersTheSameForEveryService() throws Exception {
        List<Map<String, String>> views = new ArrayList<>();
        for (Analyzer instance : instances) {
            Map<String, String> view = new TreeMap<>();
            get(instance, "/api/v1/services").path("services").forEach(s -> view.put(s.path("service").asText(), s.path("level").asText()));
            views.add(view);
        }
        assertThat(views.get(0).keySet()).containsExactlyInAnyOrderElementsOf(SERVICES);
        assertThat(views.get(0).get(DEGRADED)).isNotEqualTo("NONE");
        assertThat(views).allSatisfy(view -> assertThat(view.keySet()).isEqualTo(views.get(0).keySet()));

        Set<String> servedBy = new TreeSet<>();
        for (String service : SERVICES) {
            for (Analyzer instance : instances) {
                JsonNode answer = get(instance, "/api/v1/services/" + service);
                assertThat(answer.path("service").asText()).isEqualTo(service);
                assertThat(answer.path("stale").asBoolean()).isFalse();
                assertThat(answer.path("latestWindow").path("requestCount").asLong()).isPositive();
                servedBy.add(answer.path("servedBy").asText());
                JsonNode windows = get(instance, "/api/v1/services/" + service + "/windows");
                assertThat(windows.path("windows").size()).isPositive();
            }
            JsonNode one = get(instances.get(0), "/api/v1/services/" + service);
            JsonNode other = get(instances.get(2), "/api/v1/services/" + service);
            assertThat(one.path("servedBy")).isEqualTo(other.path("servedBy"));
        }
        assertThat(servedBy).as("the services are spread over the instances").hasSizeGreaterThan(1);

        JsonNode payments = get(instances.get(1), "/api/v1/services/" + DEGRADED);
        // Its connection-refused logs may open a CONNECTION_REFUSED fault too, at the same severity, in either order.
        assertThat(payments.path("faults")).anySatisfy(f -> {
            assertThat(f.path("kind").asText()).isEqualTo("HIGH_ERROR_RATE");
            assertThat(f.path("evidence").path("measurements").get(0).path("name").asText()).isEqualTo("error_rate");
        });
        assertThat(get(instances.get(2), "/api/v1/faults?active=true").path("faults")).extracting(f -> f.path("service").asText())
            .contains(DEGRADED);
        assertThat(get(instances.get(0), "/api/v1/instances").path("instances")).hasSize(3);
        for (Analyzer instance : instances) {
            JsonNode templates = get(instance, "/api/v1/services/" + DEGRADED + "/templates").path("templates");
            assertThat(templates).singleElement().satisfies(t -> {
                assertThat(t.path("template").asText()).isEqualTo("Connection refused to db-<*>");
                assertThat(t.path("count").asLong()).isPositive();
                assertThat(t.path("example").asText()).startsWith("Connection refused to db-");
                assertThat(Instant.parse(t.path("lastSeen").asText())).as("end of its latest window")
                    .isAfter(Instant.parse(t.path("firstSeen").asText()));
            });
        }
        templateFirstSeen = get(instances.get(0), "/api/v1/services/" + DEGRADED + "/templates").path("templates").get(0).path("firstSeen").asText();
    }

    private static String templateFirstSeen;

    @Test
    @Order(2)
    void shouldRefuseBadRequestsAndMissingCredentials() throws Exception {
        Analyzer instance = instances.get(0);
        assertThat(status(instance, "/api/v1/services", null)).isEqualTo(401);
        assertThat(status(instance, "/api/v1/services?bogus=1", TOKEN)).isEqualTo(400);
        assertThat(status(instance, "/api/v1/services/payments/windows?from=yesterday", TOKEN)).isEqualTo(400);
        assertThat(status(instance, "/api/v1/services/payments/windows?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", TOKEN)).isEqualTo(400);
        assertThat(status(instance, "/api/v1/faults?severity=SCARY", TOKEN)).isEqualTo(400);
        assertThat(status(instance, "/api/v1/services/nobody-here", TOKEN)).isEqualTo(404);
        assertThat(status(instance, "/health/ready", null)).isEqualTo(200);
        assertThat(status(instance, "/health/live", null)).isEqualTo(200);
        String metrics = body(instance, "/metrics", TOKEN);
        assertThat(metrics).contains("faultline_records_in_total", "faultline_service_degradation_level", "kafka_stream_");
        // What ops/prometheus alerts on exists under that name; dead letters appear with the first one.
        StringBuilder everyInstance = new StringBuilder();
        for (Analyzer i : instances) {
            everyInstance.append(body(i, "/metrics", TOKEN));
        }
        for (String name : dev.faultline.topology.ops.PrometheusRulesTest.metricNames()) {
            if (!name.equals("faultline_dead_letters_total")) {
                assertThat(everyInstance).as(name).contains(name);
            }
        }
    }

    @Test
    @Order(3)
    void aStandbyAnswersMarkedStaleWithItsLagAndOtherwiseA503() throws Exception {
        for (String service : SERVICES) {
            List<String> answers = new ArrayList<>();
            for (Analyzer instance : instances) {
                // As a forwarded request: the instance must answer itself, not route.
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + instance.httpPort() + "/api/v1/services/" + service))
                    .header("Authorization", "Bearer " + TOKEN).header("X-Faultline-Forwarded", "1").build(),
                    HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    JsonNode answer = JSON.readTree(response.body());
                    assertThat(answer.path("service").asText()).isEqualTo(service);
                    answers.add(answer.path("stale").asBoolean() ? "standby lag=" + answer.path("lagOffsets").isNumber() : "active");
                } else {
                    assertThat(response.statusCode()).isEqualTo(503);
                    assertThat(response.headers().firstValue("Retry-After")).isPresent();
                    answers.add("503");
                }
            }
            assertThat(answers).as(service).containsExactlyInAnyOrder("active", "standby lag=true", "503");
        }
    }

    @Test
    @Order(4)
    void theStatusPageShowsTheDegradedServiceWithCharts() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assertThat(chromium).as("Debian's chromium package (.ci/run installs it)").isExecutable();
        Analyzer instance = instances.get(1);
        // The token goes in the URL fragment, which the browser never sends to a server.
        String url = "http://127.0.0.1:" + instance.httpPort() + "/status#token=" + TOKEN;
        Path profile = Files.createTempDirectory("chromium-");
        List<String> common = List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--user-data-dir=" + profile, "--window-size=1280,900", "--virtual-time-budget=8000");
        String dom = runChromium(withArgs(common, "--dump-dom", url));
        Files.createDirectories(SCREENSHOT.getParent());
        runChromium(withArgs(common, "--screenshot=" + SCREENSHOT.toAbsolutePath(), url));

        assertThat(dom).contains("data-service=\"" + DEGRADED + "\"");
        assertThat(dom).containsPattern("class=\"level (LEVEL_[123]|EMERGENCY)\">(LEVEL_[123]|EMERGENCY)<");
        assertThat(dom).containsPattern("<polyline points=\"[0-9., ]+\"");
        assertThat(SCREENSHOT).isRegularFile();
        assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);
    }

    @Test
    @Order(5)
    void theApiRecoversWhenAnInstanceStops() throws Exception {
        // Stop the instance that owns payments, so its state (faults, templates) must move.
        String owner = get(instances.get(0), "/api/v1/services/" + DEGRADED).path("servedBy").asText();
        Analyzer stopped = instances.stream().filter(i -> owner.equals("127.0.0.1:" + i.httpPort())).findFirst().orElseThrow();
        instances.remove(stopped);
        long began = System.nanoTime();
        stopped.close();
        // Every service answered again, correctly, through each remaining instance.
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            for (Analyzer instance : instances) {
                JsonNode services = getOrNull(instance, "/api/v1/services");
                if (services == null || services.path("services").size() != SERVICES.size()) {
                    return false;
                }
                for (String service : SERVICES) {
                    JsonNode answer = getOrNull(instance, "/api/v1/services/" + service);
                    if (answer == null || !answer.path("service").asText().equals(service)) {
                        return false;
                    }
                }
            }
            return true;
        });
        double recoverySeconds = (System.nanoTime() - began) / 1e9;
        System.out.printf("QueryApiIT: API answered for all %d services through both remaining instances %.1f s after an instance stopped%n",
            SERVICES.size(), recoverySeconds);
        Files.writeString(Path.of("target", "query-api-recovery.txt"), String.format("%.1f%n", recoverySeconds));
        assertThat(get(instances.get(0), "/api/v1/services/" + DEGRADED).path("level").asText()).isNotEqualTo("NONE");
        // The template state moved with the partitions (changelog restore), not mined anew: first seen is unchanged.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
            get(instances.get(0), "/api/v1/services/" + DEGRADED + "/templates").path("templates").get(0).path("firstSeen").asText())
            .isEqualTo(templateFirstSeen));
    }

    private static List<String> withArgs(List<String> common, String... more) {
        List<String> all = new ArrayList<>(common);
        all.addAll(List.of(more));
        return all;
    }

    private static String runChromium(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        return out;
    }

    private static JsonNode get(Analyzer instance, String path) throws Exception {
        return JSON.readTree(body(instance, path, TOKEN));
    }

    private static JsonNode getOrNull(Analyzer instance, String path) {
        try {
            HttpResponse<String> response = send(instance, path, TOKEN);
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String body(Analyzer instance, String path, String token) throws Exception {
        HttpResponse<String> response = send(instance, path, token);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return response.body();
    }

    private static int status(Analyzer instance, String path, String token) throws Exception {
        return send(instance, path, token).statusCode();
    }

    private static HttpResponse<String> send(Analyzer instance, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.httpPort() + path))
            .timeout(Duration.ofSeconds(15));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
