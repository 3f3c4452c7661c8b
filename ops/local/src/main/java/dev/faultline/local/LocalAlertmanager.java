package dev.faultline.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus Alertmanager on loopback (Debian's {@code prometheus-alertmanager}, or
 * {@code alertmanager} on the PATH), clustering off, routing every alert at once to a
 * webhook with resolved notifications on, so a test sees both the firing and the resolving.
 */
public final class LocalAlertmanager implements AutoCloseable {
    private static final List<Path> BINARIES = List.of(Path.of("/usr/bin/prometheus-alertmanager"), Path.of("/usr/bin/alertmanager"));
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path dir;
    private final int port;

    private LocalAlertmanager(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Starts Alertmanager sending its notifications to {@code webhookUrl}. */
    public static LocalAlertmanager start(String webhookUrl) throws IOException, InterruptedException {
        Path binary = BINARIES.stream().filter(Files::isExecutable).findFirst()
            .orElseThrow(() -> new IllegalStateException("Alertmanager not found at " + BINARIES
                + "; install Debian's prometheus-alertmanager (.ci/run does)"));
        Path dir = Files.createTempDirectory("faultline-alertmanager-");
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, """
            route:
              receiver: webhook
              group_by: [fault_id]
              group_wait: 0s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: webhook
                webhook_configs:
                  - url: %s
                    send_resolved: true
            """.formatted(webhookUrl));
        int port = Loopback.freePort();
        Process process = new ProcessBuilder(binary.toString(), "--config.file=" + config, "--storage.path=" + dir.resolve("data"),
            "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=", "--log.level=info")
            .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
        LocalAlertmanager alertmanager = new LocalAlertmanager(process, dir, port);
        alertmanager.awaitReady();
        return alertmanager;
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Alertmanager exited at start: " + Files.readString(dir.resolve("alertmanager.log")));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        close();
        throw new IllegalStateException("Alertmanager not ready within " + START_TIMEOUT);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Loopback.deleteQuietly(dir);
    }
}
