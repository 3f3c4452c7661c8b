package dev.faultline.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.faultline.serde.CompatibilityLevel;
import dev.faultline.serde.RegisteredSchema;
import dev.faultline.serde.SchemaRegistryException;
import dev.faultline.serde.SchemaRegistryStore;

/**
 * A schema registry for local runs and tests: the part of the Confluent Schema Registry
 * REST API that serializers and operators use (subjects, versions, ids, lookup,
 * compatibility, config), with Confluent's status codes and error bodies. AVRO only.
 * Registrations can be kept in a file so ids survive a restart, as topics keep data that
 * refers to them. Production uses Confluent Schema Registry or a compatible registry.
 */
public final class LocalSchemaRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSchemaRegistry.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final SchemaRegistryStore store = new SchemaRegistryStore();
    private final ObjectMapper json = new ObjectMapper();
    private final Optional<Path> journal;
    private final Optional<String> expectedAuthorization;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "local-schema-registry");
        t.setDaemon(true);
        return t;
    });

    private LocalSchemaRegistry(int port, Optional<Path> journal, Optional<String> userInfo) throws IOException {
        this.journal = journal;
        this.expectedAuthorization = userInfo.map(u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
        replayJournal();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info("Local schema registry at {}", url());
    }

    /** On a free loopback port, in memory only. */
    public static LocalSchemaRegistry start() {
        return start(0, Optional.empty(), Optional.empty());
    }

    /**
     * @param port      0 for a free port
     * @param journal   file that keeps registrations across restarts, if any
     * @param userInfo  {@code user:password} that requests must present with HTTP basic auth, if any
     */
    public static LocalSchemaRegistry start(int port, Optional<Path> journal, Optional<String> userInfo) {
        try {
            return new LocalSchemaRegistry(port, journal, userInfo);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the local schema registry on port " + port, e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        // Not try-with-resources: the exchange must stay open for the error answers below.
        try {
            if (expectedAuthorization.isPresent()
                && !expectedAuthorization.get().equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                send(exchange, 401, error(SchemaRegistryException.UNAUTHORIZED, "Unauthorized"));
                return;
            }
            String method = exchange.getRequestMethod();
            List<String> path = Arrays.stream(exchange.getRequestURI().getRawPath().split("/"))
                .filter(s -> !s.isEmpty()).map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList();
            String query = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
            JsonNode body = "POST".equals(method) || "PUT".equals(method) ? readBody(exchange) : null;
            send(exchange, 200, route(method, path, query, body));
        } catch (SchemaRegistryException e) {
            send(exchange, e.httpStatus(), error(e.errorCode(), e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("Local schema registry failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            send(exchange, 500, error(SchemaRegistryException.STORE_ERROR, "Internal error: " + e.getMessage()));
        } finally {
            exchange.close();
        }
    }

    private Object route(String method, List<String> path, String query, JsonNode body) {
        int n = path.size();
        String first = n > 0 ? path.get(0) : "";
        switch (method + " " + first) {
            case "GET " -> {
                return json.createObjectNode();
            }
            case "GET subjects" -> {
                if (n == 1) {
                    return store.subjects();
                }
                if (n == 3 && path.get(2).equals("versions")) {
                    return store.versions(path.get(1));
                }
                if (n == 4 && path.get(2).equals("versions")) {
                    return registeredJson(store.version(path.get(1), path.get(3)));
                }
                if (n == 5 && path.get(2).equals("versions") && path.get(4).equals("schema")) {
                    return json.valueToTree(store.version(path.get(1), path.get(3)).schema().toString());
                }
            }
            case "POST subjects" -> {
                if (n == 2) {
                    return registeredJson(store.lookup(path.get(1), schemaText(body)));
                }
                if (n == 3 && path.get(2).equals("versions")) {
                    SchemaRegistryStore.Registration registration = store.register(path.get(1), schemaText(body));
                    appendToJournal(registration);
                    return json.createObjectNode().put("id", registration.id());
                }
            }
            case "DELETE subjects" -> {
                if (n == 2) {
                    return store.deleteSubject(path.get(1));
                }
            }
            case "GET schemas" -> {
                if (n == 2 && path.get(1).equals("types")) {
                    return List.of("AVRO");
                }
                if (n >= 3 && path.get(1).equals("ids")) {
                    int id = parseId(path.get(2));
                    if (n == 3) {
                        return json.createObjectNode().put("schema", store.schemaById(id).toString());
                    }
                    if (n == 4 && path.get(3).equals("schema")) {
                        return json.valueToTree(store.schemaById(id).toString());
                    }
                    if (n == 4 && path.get(3).equals("versions")) {
                        ArrayNode uses = json.createArrayNode();
                        store.subjectVersionsForId(id).forEach(e -> uses.addObject().put("subject", e.getKey()).put("version", e.getValue()));
                        return uses;
                    }
                    if (n == 4 && path.get(3).equals("subjects")) {
                        return store.subjectVersionsForId(id).stream().map(java.util.Map.Entry::getKey).distinct().toList();
                    }
                }
            }
            case "POST compatibility" -> {
                if (n >= 4 && path.get(1).equals("subjects") && path.get(3).equals("versions")) {
                    String schema = schemaText(body);
                    List<String> problems = n == 5
                        ? store.compatibilityProblems(path.get(2), path.get(4), schema)
                        : store.compatibilityProblems(path.get(2), SchemaRegistryStore.parse(schema));
                    ObjectNode answer = json.createObjectNode().put("is_compatible", problems.isEmpty());
                    if (query.contains("verbose=true")) {
                        answer.set("messages", json.valueToTree(problems));
                    }
                    return answer;
                }
            }
            case "GET config" -> {
                if (n == 1) {
                    return json.createObjectNode().put("compatibilityLevel", store.level(null).name());
                }
                if (n == 2) {
                    Optional<CompatibilityLevel> level = store.subjectLevel(path.get(1));
                    if (level.isEmpty() && !query.contains("defaultToGlobal=true")) {
                        throw new SchemaRegistryException(404, 40408,
                            "Subject '" + path.get(1) + "' does not have subject-level compatibility configured");
                    }
                    return json.createObjectNode().put("compatibilityLevel", level.orElse(store.level(null)).name());
                }
            }
            case "PUT config" -> {
                if (n <= 2) {
                    CompatibilityLevel level = CompatibilityLevel.parse(body == null ? null : body.path("compatibility").asText(null));
                    store.setLevel(n == 2 ? path.get(1) : null, level);
                    return json.createObjectNode().put("compatibility", level.name());
                }
            }
            case "GET mode" -> {
                return json.createObjectNode().put("mode", "READWRITE");
            }
            default -> {
                // falls through to the 404 below
            }
        }
        throw new SchemaRegistryException(404, SchemaRegistryException.ROUTE_NOT_FOUND, "HTTP 404 Not Found");
    }

    private ObjectNode registeredJson(RegisteredSchema registered) {
        return json.createObjectNode()
            .put("subject", registered.subject())
            .put("version", registered.version())
            .put("id", registered.id())
            .put("schema", registered.schema().toString());
    }

    private static String schemaText(JsonNode body) {
        if (body == null || !body.path("schema").isTextual()) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA, "Invalid schema: the body has no \"schema\" string");
        }
        String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                "Invalid schema: schema type " + type + " is not supported by this registry (AVRO only)");
        }
        if (body.path("references").size() > 0) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                "Invalid schema: schema references are not supported by this registry");
        }
        return body.path("schema").asText();
    }

    private static int parseId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + text + " not found");
        }
    }

    private JsonNode readBody(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        if (bytes.length == 0) {
            return null;
        }
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            throw new SchemaRegistryException(400, 400, "Unrecognized request body: " + e.getMessage());
        }
    }

    private ObjectNode error(int code, String message) {
        return json.createObjectNode().put("error_code", code).put("message", message);
    }

    private void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private synchronized void appendToJournal(SchemaRegistryStore.Registration registration) {
        if (journal.isEmpty()) {
            return;
        }
        try {
            Files.writeString(journal.get(), json.writeValueAsString(registration) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new SchemaRegistryException(500, SchemaRegistryException.STORE_ERROR, "Cannot write the registry journal: " + e.getMessage());
        }
    }

    private void replayJournal() throws IOException {
        if (journal.isEmpty() || !Files.exists(journal.get())) {
            return;
        }
        for (String line : Files.readAllLines(journal.get(), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                store.restore(json.readValue(line, SchemaRegistryStore.Registration.class));
            }
        }
    }
}
