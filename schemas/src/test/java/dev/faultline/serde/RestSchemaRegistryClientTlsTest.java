package dev.faultline.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/** The schema.registry.ssl.* settings against an HTTPS server with a self-signed certificate. */
class RestSchemaRegistryClientTlsTest {
    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;
    private static HttpsServer server;
    private static Path truststore;

    @BeforeAll
    static void start() throws Exception {
        Path keystore = dir.resolve("server.p12");
        truststore = dir.resolve("trust.p12");
        Path cert = dir.resolve("server.crt");
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
            "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
            "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-exportcert", "-alias", "registry", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "registry", "-file", cert.toString(),
            "-keystore", truststore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/", exchange -> {
            byte[] body = "[\"secure-value\"]".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0).as("keytool %s: %s", args[0], output).isTrue();
    }

    private static Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeConfig.SCHEMA_REGISTRY_URL, "https://127.0.0.1:" + server.getAddress().getPort());
        config.put(SerdeConfig.MAX_RETRIES, "0");
        return config;
    }

    @Test
    void shouldTrustTheRegistryThroughTheConfiguredTruststore() {
        Map<String, Object> config = config();
        config.put("schema.registry.ssl.truststore.location", truststore.toString());
        config.put("schema.registry.ssl.truststore.password", PASSWORD);
        config.put("schema.registry.ssl.truststore.type", "PKCS12");

        assertThat(new RestSchemaRegistryClient(SerdeConfig.from(config)).subjects()).containsExactly("secure-value");
    }

    @Test
    void shouldRefuseAnUntrustedCertificate() {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(SerdeConfig.from(config()));
        assertThatThrownBy(client::subjects).isInstanceOf(SchemaRegistryException.class).hasMessageContaining("unreachable");
    }

    @Test
    void shouldNameTheSettingWhenTheTruststoreCannotBeRead() {
        Map<String, Object> config = config();
        config.put("schema.registry.ssl.truststore.location", dir.resolve("missing.p12").toString());
        assertThatThrownBy(() -> new RestSchemaRegistryClient(SerdeConfig.from(config)))
            .hasMessageContaining("schema.registry.ssl.*").hasMessageContaining("Cannot build the TLS context");
    }
}
