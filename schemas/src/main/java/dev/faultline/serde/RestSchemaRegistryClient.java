package dev.faultline.serde;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Schema-registry client over the Confluent REST API, for Confluent Schema Registry and
 * the registries that implement its API (Karapace, Apicurio's ccompat, Redpanda). Uses the
 * JDK's HTTP client, so TLS and HTTP/1.1 keep-alive come without another dependency.
 * Schemas are cached by id and by (subject, schema), so a running serde asks the registry
 * once per schema. Connection failures and 5xx answers are retried with exponential
 * backoff, trying each configured URL in turn; a 4xx answer fails at once with
 * the registry's own error code and message.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
        "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";

    private final SerdeConfig config;
    private final HttpClient http;
    private final Optional<String> authorization;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

    public RestSchemaRegistryClient(SerdeConfig config) {
        this.config = config;
        HttpClient.Builder builder = HttpClient.newBuilder()
            .connectTimeout(Duration.ofMillis(config.connectTimeoutMs()));
        if (config.tls().isCustom()) {
            builder.sslContext(sslContext(config.tls()));
        }
        this.http = builder.build();
        this.authorization = config.userInfo()
            .map(info -> "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public int register(String subject, Schema schema) {
        return idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).computeIfAbsent(schema, s -> {
            JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
            int id = answer.path("id").asInt();
            schemasById.putIfAbsent(id, schema);
            return id;
        });
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
        RegisteredSchema found = registered(answer, subject);
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).putIfAbsent(schema, found.id());
        return found;
    }

    @Override
    public Schema schemaById(int id) {
        return schemasById.computeIfAbsent(id, i -> {
            JsonNode answer = send("GET", "/schemas/ids/" + i, null);
            String type = answer.path("schemaType").asText("AVRO");
            if (!"AVRO".equals(type)) {
                throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                    "Schema " + i + " is of type " + type + ", not AVRO");
            }
            return SchemaRegistryStore.parse(answer.path("schema").asText());
        });
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return registered(send("GET", "/subjects/" + encode(subject) + "/versions/latest", null), subject);
    }

    @Override
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        send("GET", "/subjects", null).forEach(n -> subjects.add(n.asText()));
        return subjects;
    }

    @Override
    public List<String> compatibilityProblems(String subject, Schema schema) {
        JsonNode answer;
        try {
            answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true", schemaBody(schema));
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND) {
                return List.of();
            }
            throw e;
        }
        if (answer.path("is_compatible").asBoolean(false)) {
            return List.of();
        }
        List<String> messages = new ArrayList<>();
        answer.path("messages").forEach(m -> messages.add(m.asText()));
        return messages.isEmpty() ? List.of("incompatible") : messages;
    }

    private RegisteredSchema registered(JsonNode answer, String subject) {
        int id = answer.path("id").asInt();
        Schema schema = schemasById.computeIfAbsent(id, i -> SchemaRegistryStore.parse(answer.path("schema").asText()));
        return new RegisteredSchema(answer.path("subject").asText(subject), answer.path("version").asInt(), id, schema);
    }

    private String schemaBody(Schema schema) {
        ObjectNode body = json.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** One logical request: every URL in turn, then backoff, up to max.retries rounds. */
    private JsonNode send(String method, String path, String body) {
        RuntimeException last = null;
        for (int attempt = 0; attempt <= config.maxRetries(); attempt++) {
            if (attempt > 0) {
                backoff(attempt);
            }
            for (String baseUrl : config.registryUrls()) {
                try {
                    return sendOnce(baseUrl, method, path, body);
                } catch (SchemaRegistryException e) {
                    if (e.isClientError()) {
                        throw e;
                    }
                    last = e;
                } catch (IOException e) {
                    last = new SchemaRegistryException(503, SchemaRegistryException.STORE_ERROR,
                        "Schema registry at " + baseUrl + " unreachable: " + e, e);
                }
                LOG.warn("{} {} failed (attempt {} of {}): {}", method, baseUrl + path, attempt + 1, config.maxRetries() + 1, last.getMessage());
            }
        }
        throw last;
    }

    private JsonNode sendOnce(String baseUrl, String method, String path, String body) throws IOException {
        URI base = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
        // User info travels in the Authorization header, never in the request line.
        URI uri = URI.create(base.getScheme() + "://" + base.getHost() + (base.getPort() < 0 ? "" : ":" + base.getPort())
            + (base.getRawPath() == null ? "" : base.getRawPath()) + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
            .timeout(Duration.ofMillis(config.readTimeoutMs()))
            .header("Accept", ACCEPT)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        authorization.ifPresent(a -> request.header("Authorization", a));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (response.statusCode() / 100 == 2) {
            return json.readTree(response.body());
        }
        throw errorFrom(response);
    }

    private SchemaRegistryException errorFrom(HttpResponse<String> response) {
        int status = response.statusCode();
        int code = status;
        String message = response.body();
        try {
            JsonNode error = json.readTree(response.body());
            code = error.path("error_code").asInt(status);
            message = error.path("message").asText(message);
        } catch (IOException notJson) {
            // Proxies and gateways answer with HTML; keep the raw body as the message.
        }
        return new SchemaRegistryException(status, code,
            message + " (HTTP " + status + " from " + response.request().method() + " " + response.uri() + ")");
    }

    private void backoff(int attempt) {
        long wait = Math.min(config.retriesMaxWaitMs(), config.retriesWaitMs() << Math.min(attempt - 1, 20));
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(503, SchemaRegistryException.STORE_ERROR, "Interrupted while backing off", e);
        }
    }

    private static SSLContext sslContext(SerdeConfig.TlsSettings tls) {
        try {
            TrustManagerFactory tmf = null;
            if (tls.truststoreLocation().isPresent()) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(tls.truststoreLocation().get(), tls.truststoreType(), tls.truststorePassword()));
            }
            KeyManagerFactory kmf = null;
            if (tls.keystoreLocation().isPresent()) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                char[] keyPassword = tls.keyPassword().or(tls::keystorePassword).map(String::toCharArray).orElse(null);
                kmf.init(load(tls.keystoreLocation().get(), tls.keystoreType(), tls.keystorePassword()), keyPassword);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException(SerdeConfig.SSL_PREFIX + "*", "(stores)", "Cannot build the TLS context: " + e.getMessage());
        }
    }

    private static KeyStore load(String location, String type, Optional<String> password) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, password.map(String::toCharArray).orElse(null));
        }
        return store;
    }
}
