package dev.faultline.topology.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.faultline.topology.config.AnalyzerConfig.HttpSettings;

/** The HTTP server over TLS with a bearer token, before Kafka Streams is attached. */
class ApiServerTlsTest {
    private static final String PASSWORD = "changeit";
    private static final String TOKEN = "t0ken";

    @TempDir
    static Path dir;
    private static ApiServer server;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-alias", "faultline", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
            "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD)
            .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).isTrue();
        server = new ApiServer(new HttpSettings("127.0.0.1", 0, "127.0.0.1", 100, Duration.ofDays(1), Optional.of(TOKEN),
            Optional.of(keystore), PASSWORD, "PKCS12"), new AnalyzerMetrics(), Clock.systemUTC());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trust.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        client = HttpClient.newBuilder().sslContext(context).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeOverTlsWithHealthOpenAndTheApiBehindTheToken() throws Exception {
        assertThat(get("/health/ready", null)).extracting(HttpResponse::statusCode).isEqualTo(503);
        assertThat(get("/status", null).body()).contains("<title>faultline status</title>");
        assertThat(get("/api/openapi.yaml", null).body()).startsWith("openapi: 3.0.3");

        HttpResponse<String> anonymous = get("/api/v1/services", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(get("/api/v1/services", "wrong").statusCode()).isEqualTo(401);
        assertThat(get("/metrics", null).statusCode()).isEqualTo(401);

        HttpResponse<String> starting = get("/api/v1/services", TOKEN);
        assertThat(starting.statusCode()).isEqualTo(503);
        assertThat(starting.headers().firstValue("Retry-After")).contains("2");
        assertThat(starting.body()).isEqualTo("{\"error\":\"starting\"}");
        assertThat(get("/metrics", TOKEN).body()).contains("jvm_memory_used_bytes");
    }

    @Test
    void shouldRefusePlainHttpAndOtherMethods() throws Exception {
        HttpClient plain = HttpClient.newHttpClient();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health/live")).build(),
            HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/api/v1/services"))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(List.of(post.body())).containsExactly("{\"error\":\"only GET is served\"}");
    }
}
