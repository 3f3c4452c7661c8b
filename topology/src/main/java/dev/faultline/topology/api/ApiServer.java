package dev.faultline.topology.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import dev.faultline.schema.FaultKind;
import dev.faultline.schema.Severity;
import dev.faultline.topology.Names;
import dev.faultline.topology.domain.Validation;
import dev.faultline.topology.config.AnalyzerConfig.HttpSettings;

/**
 * The analyzer's HTTP surface: the query API (answering for the whole application, one hop
 * at most), health probes, Prometheus metrics, the status page and the OpenAPI description.
 * Built on the JDK's HTTP server: it serves HTTPS, needs no dependency, and this API is small.
 * Requests never sleep on the server's threads; a store that is not queryable answers 503
 * with Retry-After.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** Marks a request forwarded by another instance: answer locally, never forward again. */
    static final String FORWARDED = "X-Faultline-Forwarded";
    private static final String JSON = "application/json";
    private static final Duration DEFAULT_SPAN = Duration.ofHours(1);
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(5);
    private static final String RETRY_AFTER_SECONDS = "2";

    private final HttpSettings settings;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "faultline-http");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client;
    private final String scheme;
    private final Clock clock;
    private final AnalyzerMetrics metrics;
    private volatile KafkaStreams streams;
    private volatile QueryService queries;
    private volatile Health health;

    /** Binds at once, so the port is known before Kafka Streams starts (it is {@code application.server}). */
    public ApiServer(HttpSettings settings, AnalyzerMetrics metrics, Clock clock) throws IOException {
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        InetSocketAddress address = new InetSocketAddress(settings.bind(), settings.port());
        Optional<SSLContext> tls = tls(settings);
        if (tls.isPresent()) {
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls.get()));
            server = https;
            scheme = "https";
        } else {
            server = HttpServer.create(address, 0);
            scheme = "http";
        }
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(FORWARD_TIMEOUT);
        tls.ifPresent(builder::sslContext);
        client = builder.build();
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code host:port} other instances reach this one at. */
    public String advertisedAddress() {
        return settings.advertisedHost() + ":" + port();
    }

    public void attach(KafkaStreams streams, Health health) {
        this.streams = streams;
        this.queries = new QueryService(streams);
        this.health = health;
        metrics.bind(streams, health);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            if (!"GET".equals(exchange.getRequestMethod())) {
                throw new ApiException(405, "only GET is served");
            }
            switch (path) {
                case "/health/live" -> sendHealth(exchange, health != null && health.live());
                case "/health/ready" -> sendHealth(exchange, health != null && health.ready());
                case "/", "/status", "/status/" -> sendResource(exchange, "status.html", "text/html; charset=utf-8");
                case "/api/openapi.yaml" -> sendResource(exchange, "openapi.yaml", "application/yaml");
                default -> {
                    authorize(exchange);
                    if (path.equals("/metrics")) {
                        send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape(queries).getBytes(StandardCharsets.UTF_8));
                    } else {
                        sendJson(exchange, 200, api(exchange, path));
                    }
                }
            }
        } catch (ApiException e) {
            if (e.status() == 503) {
                exchange.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
            }
            sendJson(exchange, e.status(), error(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("Query {} failed", printable(exchange.getRequestURI().toString()), e);
            exchange.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
            sendJson(exchange, 503, error("temporarily unable to answer: " + e.getClass().getSimpleName()));
        } finally {
            exchange.close();
        }
    }

    private JsonNode api(HttpExchange exchange, String path) {
        if (streams == null) {
            throw ApiException.unavailable("starting");
        }
        List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty())
            .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList();
        String query = exchange.getRequestURI().getRawQuery();
        boolean forwarded = exchange.getRequestHeaders().containsKey(FORWARDED);
        if (parts.size() < 3 || !parts.get(0).equals("api") || !parts.get(1).equals("v1")) {
            throw new ApiException(404, "no such endpoint; see /api/openapi.yaml");
        }
        String resource = parts.get(2);
        if (resource.equals("services") && parts.size() == 3) {
            QueryParameters.parse(query, Set.of("local"));
            ArrayNode services = fanOut(exchange, forwarded, () -> queries.localServices());
            List<JsonNode> sorted = new ArrayList<>();
            services.forEach(sorted::add);
            sorted.sort(ServiceOrder.MOST_SEVERE_FIRST);
            ArrayNode out = AvroJson.MAPPER.createArrayNode();
            sorted.forEach(out::add);
            return envelope("services", out);
        }
        if (resource.equals("services") && parts.size() >= 4 && parts.size() <= 5) {
            String service = validService(parts.get(3));
            String sub = parts.size() == 5 ? parts.get(4) : "";
            if (!Set.of("", "windows", "templates").contains(sub)) {
                throw new ApiException(404, "no such endpoint; see /api/openapi.yaml");
            }
            QueryParameters params = QueryParameters.parse(query, sub.isEmpty() ? Set.of() : Set.of("from", "to", "limit"));
            Instant[] range = sub.isEmpty() ? null : params.range(clock.instant(), DEFAULT_SPAN, settings.maxRange());
            int limit = sub.isEmpty() ? 0 : params.limit(settings.maxResults(), settings.maxResults());
            return routed(exchange, service, forwarded, (partition, stale) -> switch (sub) {
                case "windows" -> envelope("windows", queries.windows(service, partition, stale, range[0], range[1], limit));
                case "templates" -> envelope("templates", queries.templates(service, partition, stale, range[0], range[1], limit));
                default -> queries.service(service, partition, stale);
            });
        }
        if (resource.equals("faults") && parts.size() == 3) {
            QueryParameters params = QueryParameters.parse(query, Set.of("active", "service", "kind", "severity", "from", "to", "limit", "local"));
            boolean active = params.flag("active");
            Optional<String> service = params.text("service").map(this::validService);
            Optional<FaultKind> kind = params.enumValue("kind", FaultKind.class);
            Optional<Severity> severity = params.enumValue("severity", Severity.class);
            Instant[] range = params.range(clock.instant(), DEFAULT_SPAN, settings.maxRange());
            int limit = params.limit(settings.maxResults(), settings.maxResults());
            Predicate<dev.faultline.schema.FaultEvent> eventFilter = e -> service.map(s -> s.equals(e.getService())).orElse(true)
                && kind.map(k -> k == e.getKind()).orElse(true) && severity.map(s -> s == e.getSeverity()).orElse(true);
            Predicate<ObjectNode> activeFilter = n -> service.map(s -> s.equals(n.path("service").asText())).orElse(true)
                && kind.map(k -> k.name().equals(n.path("kind").asText())).orElse(true)
                && severity.map(s -> s.name().equals(n.path("severity").asText())).orElse(true);
            ArrayNode faults = fanOut(exchange, forwarded, () -> active
                ? queries.activeFaults(activeFilter, limit)
                : queries.faultEvents(range[0], range[1], eventFilter, limit));
            ArrayNode limited = AvroJson.MAPPER.createArrayNode();
            for (int i = 0; i < Math.min(limit, faults.size()); i++) {
                limited.add(faults.get(i));
            }
            return envelope("faults", limited);
        }
        if (resource.equals("instances") && parts.size() == 3) {
            QueryParameters.parse(query, Set.of());
            return envelope("instances", instances());
        }
        throw new ApiException(404, "no such endpoint; see /api/openapi.yaml");
    }

    @FunctionalInterface
    private interface PartitionQuery {
        JsonNode answer(int partition, boolean stale);
    }

    /** A key's answer from the instance that owns it: here, or one hop away; from a standby when the owner cannot answer. */
    private JsonNode routed(HttpExchange exchange, String service, boolean forwarded, PartitionQuery query) {
        KeyQueryMetadata metadata = queries.metadataFor(service);
        int partition = metadata.partition();
        HostInfo self = HostInfo.buildFromEndpoint(advertisedAddress());
        if (forwarded) {
            return local(query, partition, !metadata.activeHost().equals(self));
        }
        if (metadata.activeHost().equals(self)) {
            try {
                return local(query, partition, false);
            } catch (ApiException e) {
                if (e.status() != 503 || !metadata.standbyHosts().contains(self)) {
                    throw e;
                }
            }
        } else {
            Optional<JsonNode> answer = forward(exchange, metadata.activeHost());
            if (answer.isPresent()) {
                return answer.get();
            }
        }
        if (metadata.standbyHosts().contains(self)) {
            return local(query, partition, true);
        }
        for (HostInfo standby : metadata.standbyHosts()) {
            Optional<JsonNode> answer = forward(exchange, standby);
            if (answer.isPresent()) {
                return answer.get();
            }
        }
        throw ApiException.unavailable("the owner of '" + printable(service) + "' (" + metadata.activeHost() + ") does not answer and no standby can");
    }

    private JsonNode local(PartitionQuery query, int partition, boolean stale) {
        JsonNode answer = query.answer(partition, stale);
        ObjectNode node = answer.isObject() ? (ObjectNode) answer : envelope("result", answer);
        node.put("servedBy", advertisedAddress());
        node.put("stale", stale);
        if (stale) {
            queries.lag(Names.SERVICE_HEALTH_STORE, partition).ifPresent(lag -> node.put("lagOffsets", lag));
        }
        return node;
    }

    /** This instance's share plus every other instance's, asked with the forwarded mark. */
    private ArrayNode fanOut(HttpExchange exchange, boolean forwarded, java.util.function.Supplier<ArrayNode> local) {
        ArrayNode merged = local.get();
        if (forwarded) {
            return merged;
        }
        HostInfo self = HostInfo.buildFromEndpoint(advertisedAddress());
        for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
            if (instance.hostInfo().equals(self) || instance.topicPartitions().isEmpty()) {
                continue;
            }
            JsonNode answer = forward(exchange, instance.hostInfo()).orElseThrow(() ->
                ApiException.unavailable("instance " + instance.hostInfo() + " does not answer; the list would be incomplete"));
            answer.fields().forEachRemaining(field -> {
                if (field.getValue().isArray()) {
                    merged.addAll((ArrayNode) field.getValue());
                }
            });
        }
        return merged;
    }

    private Optional<JsonNode> forward(HttpExchange exchange, HostInfo host) {
        URI uri = URI.create(scheme + "://" + host.host() + ":" + host.port() + exchange.getRequestURI().getRawPath()
            + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(FORWARD_TIMEOUT).header(FORWARDED, "1");
        // The same credentials travel with a forwarded request.
        Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")).ifPresent(a -> request.header("Authorization", a));
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return Optional.of(AvroJson.MAPPER.readTree(response.body()));
            }
            if (response.statusCode() == 404 || response.statusCode() == 400) {
                throw new ApiException(response.statusCode(), AvroJson.MAPPER.readTree(response.body()).path("error").asText());
            }
            LOG.debug("{} answered {}", uri, response.statusCode());
        } catch (IOException e) {
            LOG.debug("{} unreachable: {}", uri, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    private ArrayNode instances() {
        ArrayNode out = AvroJson.MAPPER.createArrayNode();
        Collection<StreamsMetadata> all = streams.metadataForAllStreamsClients();
        for (StreamsMetadata instance : all) {
            ObjectNode node = out.addObject();
            node.put("address", instance.host() + ":" + instance.port());
            node.put("self", (instance.host() + ":" + instance.port()).equals(advertisedAddress()));
            ArrayNode active = node.putArray("activePartitions");
            instance.topicPartitions().stream().map(Object::toString).sorted().forEach(active::add);
            ArrayNode standby = node.putArray("standbyPartitions");
            instance.standbyTopicPartitions().stream().map(Object::toString).sorted().forEach(standby::add);
            ArrayNode stores = node.putArray("stores");
            instance.stateStoreNames().stream().sorted().forEach(stores::add);
            ArrayNode standbyStores = node.putArray("standbyStores");
            instance.standbyStateStoreNames().stream().sorted().forEach(standbyStores::add);
        }
        return out;
    }

    private String validService(String service) {
        Validation.nameProblem("service", service).ifPresent(problem -> {
            throw ApiException.badRequest(problem);
        });
        return service;
    }

    private void authorize(HttpExchange exchange) {
        if (settings.token().isEmpty()) {
            return;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] expected = ("Bearer " + settings.token().get()).getBytes(StandardCharsets.UTF_8);
        if (header == null || !MessageDigest.isEqual(expected, header.getBytes(StandardCharsets.UTF_8))) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "a valid bearer token is required");
        }
    }

    private static ObjectNode envelope(String name, JsonNode items) {
        ObjectNode node = AvroJson.MAPPER.createObjectNode();
        node.set(name, items);
        return node;
    }

    private static ObjectNode error(String message) {
        return AvroJson.MAPPER.createObjectNode().put("error", message);
    }

    /** User-supplied text made safe for logs and messages: control characters escaped, length capped. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(200).forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    private void sendHealth(HttpExchange exchange, boolean ok) throws IOException {
        ObjectNode body = AvroJson.MAPPER.createObjectNode().put("status", ok ? "UP" : "DOWN");
        if (streams != null) {
            body.put("state", streams.state().name());
        }
        sendJson(exchange, ok ? 200 : 503, body);
    }

    private void sendResource(HttpExchange exchange, String name, String type) throws IOException {
        try (InputStream in = ApiServer.class.getResourceAsStream(name)) {
            send(exchange, 200, type, in.readAllBytes());
        }
    }

    private void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        send(exchange, status, JSON, AvroJson.MAPPER.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Optional<SSLContext> tls(HttpSettings settings) {
        if (settings.keystore().isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(settings.keystore().get())) {
            KeyStore keys = KeyStore.getInstance(settings.keystoreType());
            char[] password = settings.keystorePassword().toCharArray();
            keys.load(in, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            // Instances share one certificate (or one CA): the keystore is also what they trust when forwarding.
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(keys);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return Optional.of(context);
        } catch (IOException | GeneralSecurityException e) {
            throw new dev.faultline.topology.config.InvalidConfigException("analyzer.http.tls.keystore.location",
                settings.keystore().get(), "a keystore the server can load (" + e.getMessage() + ")");
        }
    }
}
