package dev.faultline.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.faultline.schema.RequestEvent;

/** The REST client's transport behaviour, against a scripted HTTP server. */
class RestSchemaRegistryClientTest {
    private HttpServer server;
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        String path = exchange.getRequestURI().getRawPath();
        if (failuresLeft.getAndDecrement() > 0) {
            respond(exchange, 503, "{\"error_code\":50003,\"message\":\"Error while forwarding the request to the leader\"}");
        } else if (path.equals("/schemas/ids/7")) {
            respond(exchange, 200, "{\"schema\":" + quoted(RequestEvent.getClassSchema().toString()) + "}");
        } else if (path.startsWith("/subjects/no%20such/")) {
            respond(exchange, 404, "{\"error_code\":40401,\"message\":\"Subject 'no such' not found.\"}");
        } else if (path.endsWith("/versions")) {
            respond(exchange, 200, "{\"id\":7}");
        } else {
            respond(exchange, 404, "<html>not found</html>");
        }
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private RestSchemaRegistryClient client(String urls, Map<String, Object> extra) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(
            SerdeConfig.SCHEMA_REGISTRY_URL, urls, SerdeConfig.RETRIES_WAIT_MS, "1", SerdeConfig.MAX_RETRIES, "3"));
        config.putAll(extra);
        return new RestSchemaRegistryClient(SerdeConfig.from(config));
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void shouldRetryServerErrorsThenSucceedAndCache() {
        failuresLeft.set(2);
        RestSchemaRegistryClient client = client(url(), Map.of());

        Schema schema = client.schemaById(7);
        Schema again = client.schemaById(7);

        assertThat(schema).isEqualTo(RequestEvent.getClassSchema()).isSameAs(again);
        assertThat(requests).containsExactly("GET /schemas/ids/7", "GET /schemas/ids/7", "GET /schemas/ids/7");
    }

    @Test
    void shouldGiveUpAfterMaxRetriesWithTheRegistryMessage() {
        failuresLeft.set(100);
        RestSchemaRegistryClient client = client(url(), Map.of());

        assertThatThrownBy(() -> client.schemaById(7))
            .isInstanceOf(SchemaRegistryException.class)
            .hasMessageContaining("Error while forwarding the request to the leader")
            .hasMessageContaining("HTTP 503");
        assertThat(requests).hasSize(4);
    }

    @Test
    void shouldFailAtOnceOnClientErrorsWithConfluentsCode() {
        RestSchemaRegistryClient client = client(url(), Map.of());

        assertThatThrownBy(() -> client.latest("no such"))
            .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
                assertThat(e.httpStatus()).isEqualTo(404);
            })
            .hasMessageStartingWith("Subject 'no such' not found.");
        assertThat(requests).containsExactly("GET /subjects/no%20such/versions/latest");
    }

    @Test
    void shouldKeepTheRawBodyWhenTheErrorIsNotJson() {
        RestSchemaRegistryClient client = client(url(), Map.of());
        assertThatThrownBy(client::subjects).hasMessageContaining("<html>not found</html>").hasMessageContaining("HTTP 404");
    }

    @Test
    void shouldFailOverToTheNextUrl() throws IOException {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        RestSchemaRegistryClient client = client("http://127.0.0.1:" + deadPort + "," + url(), Map.of());

        assertThat(client.register("requests-value", RequestEvent.getClassSchema())).isEqualTo(7);
        assertThat(requests).containsExactly("POST /subjects/requests-value/versions");
    }

    @Test
    void shouldSendBasicAuthFromUserInfo() {
        RestSchemaRegistryClient client = client(url(), Map.of(
            SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO", SerdeConfig.BASIC_AUTH_USER_INFO, "alice:s3cret"));
        client.schemaById(7);
        assertThat(authorizations).containsExactly("Basic YWxpY2U6czNjcmV0");
    }
}
