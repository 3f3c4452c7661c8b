package dev.faultline.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * An analyzer instance as its own JVM ({@code faultline run --config FILE}), as operators run
 * it: its own process, state directory, HTTP port and log file.
 */
final class AnalyzerProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;
    private final int port;

    private AnalyzerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts {@code faultline run} with {@code settings}, written to a file in {@code dir}. */
    static AnalyzerProcess start(Properties settings, Path dir, int port) throws IOException {
        Files.createDirectories(dir);
        Path config = dir.resolve("analyzer.properties");
        Properties own = new Properties();
        own.putAll(settings);
        own.setProperty("analyzer.http.port", String.valueOf(port));
        own.setProperty("state.dir", dir.resolve("state").toString());
        try (var out = Files.newBufferedWriter(config)) {
            own.store(out, "written by faultline demo");
        }
        Path log = dir.resolve("analyzer.log");
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m", "-cp", System.getProperty("java.class.path"), Faultline.class.getName(), "run", "--config", config.toString()))
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new AnalyzerProcess(process, log, port);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Whether the instance's readiness probe says it is processing. */
    boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL: the instance dies mid-flight, as in a crash or an OOM kill. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, so the instance leaves its group and commits; SIGKILL if it takes too long. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
