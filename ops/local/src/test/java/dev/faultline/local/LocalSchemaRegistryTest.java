package dev.faultline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.faultline.schema.RequestEvent;
import dev.faultline.serde.RestSchemaRegistryClient;
import dev.faultline.serde.SchemaRegistryException;
import dev.faultline.serde.SerdeConfig;

/** The local registry over real HTTP, through the project's REST client and raw requests. */
class LocalSchemaRegistryTest {
    private static final Schema V1 = SchemaBuilder.record("Thing").namespace("t").fields().requiredString("a").endRecord();
    private static final Schema V2 = SchemaBuilder.record("Thing").namespace("t").fields()
        .requiredString("a").optionalString("b").endRecord();
    private static final Schema BREAKING = SchemaBuilder.record("Thing").namespace("t").fields()
        .requiredString("a").requiredInt("c").endRecord();

    private LocalSchemaRegistry registry;
    private RestSchemaRegistryClient client;

    @TempDir
    Path temp;

    @BeforeEach
    void start() {
        registry = LocalSchemaRegistry.start();
        client = client(registry, Map.of());
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private static RestSchemaRegistryClient client(LocalSchemaRegistry registry, Map<String, String> extra) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url(), SerdeConfig.MAX_RETRIES, "0"));
        config.putAll(extra);
        return new RestSchemaRegistryClient(SerdeConfig.from(config));
    }

    @Test
    void shouldRegisterVersionsAndShareIdsAcrossSubjects() {
        int id1 = client.register("things-value", V1);
        int id2 = client.register("things-value", V2);
        int again = client.register("things-value", V1);
        int other = client.register("other-value", V1);

        assertThat(id2).isNotEqualTo(id1);
        assertThat(again).isEqualTo(id1);
        assertThat(other).as("one id per distinct schema, as Confluent does").isEqualTo(id1);
        assertThat(client.latest("things-value").version()).isEqualTo(2);
        assertThat(client.lookup("things-value", V1).version()).isEqualTo(1);
        assertThat(client.schemaById(id2)).isEqualTo(V2);
        assertThat(client.subjects()).containsExactly("other-value", "things-value");
    }

    @Test
    void shouldRejectIncompatibleSchemasWithConfluentsCode() {
        client.register("things-value", V1);

        assertThat(client.compatibilityProblems("things-value", V2)).isEmpty();
        assertThat(client.compatibilityProblems("things-value", BREAKING)).isNotEmpty();
        assertThat(client.compatibilityProblems("new-subject", BREAKING)).isEmpty();
        assertThatThrownBy(() -> client.register("things-value", BREAKING))
            .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                assertThat(e.httpStatus()).isEqualTo(409);
                assertThat(e.errorCode()).isEqualTo(409);
            })
            .hasMessageContaining("incompatible");
    }

    @Test
    void shouldAnswerNotFoundWithConfluentsCodes() {
        assertErrorCode(() -> client.latest("missing-value"), 404, 40401);
        assertErrorCode(() -> client.schemaById(4242), 404, 40403);
        client.register("things-value", V1);
        assertErrorCode(() -> client.lookup("things-value", V2), 404, 40403);
    }

    @Test
    void shouldAnswerRawRestCallsAsConfluentDoes() throws Exception {
        client.register("things-value", V1);

        assertThat(get("/subjects/things-value/versions")).isEqualTo("200 [1]");
        assertThat(get("/subjects/things-value/versions/1/schema")).isEqualTo("200 " + quoted(V1.toString()));
        assertThat(get("/config")).isEqualTo("200 {\"compatibilityLevel\":\"BACKWARD\"}");
        assertThat(get("/subjects/things-value/versions/zero"))
            .startsWith("422 {\"error_code\":42202,");
        assertThat(get("/associations/resources/-/t")).isEqualTo("404 {\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
        assertThat(send("PUT", "/config/things-value", "{\"compatibility\":\"NONE\"}")).isEqualTo("200 {\"compatibility\":\"NONE\"}");
        assertThat(client.register("things-value", BREAKING)).isPositive();
        assertThat(send("PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}")).startsWith("422 {\"error_code\":42203,");
        assertThat(send("POST", "/subjects/things-value/versions", "{\"schema\":\"{\\\"type\\\":\\\"nope\\\"}\"}"))
            .startsWith("422 {\"error_code\":42201,");
        assertThat(send("POST", "/subjects/things-value/versions", "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}"))
            .startsWith("422 {\"error_code\":42201,").contains("AVRO only");
        assertThat(send("DELETE", "/subjects/things-value", null)).isEqualTo("200 [1,2]");
    }

    @Test
    void shouldRequireBasicAuthWhenConfigured() {
        try (LocalSchemaRegistry secured = LocalSchemaRegistry.start(0, Optional.empty(), Optional.of("alice:s3cret"))) {
            assertErrorCode(() -> client(secured, Map.of()).subjects(), 401, 40101);
            assertThat(client(secured, Map.of(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                SerdeConfig.BASIC_AUTH_USER_INFO, "alice:s3cret")).subjects()).isEmpty();
        }
    }

    @Test
    void shouldKeepIdsAcrossRestartsWithAJournal() {
        Path journal = temp.resolve("registry.jsonl");
        int id;
        try (LocalSchemaRegistry first = LocalSchemaRegistry.start(0, Optional.of(journal), Optional.empty())) {
            client(first, Map.of()).register("a-value", V1);
            id = client(first, Map.of()).register("requests-value", RequestEvent.getClassSchema());
        }
        try (LocalSchemaRegistry second = LocalSchemaRegistry.start(0, Optional.of(journal), Optional.empty())) {
            RestSchemaRegistryClient reopened = client(second, Map.of());
            assertThat(reopened.schemaById(id)).isEqualTo(RequestEvent.getClassSchema());
            assertThat(reopened.register("b-value", V2)).as("new ids continue after the restored ones").isGreaterThan(id);
        }
    }

    private static void assertErrorCode(Runnable call, int status, int code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(status);
            assertThat(e.errorCode()).isEqualTo(code);
        });
    }

    private String get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    private String send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(registry.url() + path))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
