package dev.faultline.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker in KRaft mode (combined broker and controller), run in its own
 * JVM from the Maven Central artifacts that {@code faultline-broker-runtime} resolved. It
 * listens on loopback only, formats a fresh data directory, and is ready when
 * {@link #start} returns: an admin client has seen the broker answer. {@link #close} stops
 * it with SIGTERM (a controlled shutdown) and removes a data directory it created.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaBroker.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final Path dataDir;
    private final boolean ownsDataDir;
    private final int port;
    private final Path configFile;
    private final String classpath;
    private Process process;

    private LocalKafkaBroker(Path dataDir, boolean ownsDataDir, int port, int controllerPort, Map<String, String> overrides) {
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.port = port;
        this.classpath = brokerClasspath();
        this.configFile = dataDir.resolve("server.properties");
        writeConfig(controllerPort, overrides);
    }

    /** A broker on free loopback ports with a fresh temporary data directory. */
    public static LocalKafkaBroker start() {
        return start(Map.of());
    }

    /** As {@link #start()}, with broker settings overridden (e.g. {@code num.partitions}). */
    public static LocalKafkaBroker start(Map<String, String> overrides) {
        try {
            return start(Files.createTempDirectory("faultline-kafka-"), true, Loopback.freePort(), overrides);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A broker on a given port and data directory, which it formats if it is new and keeps. */
    public static LocalKafkaBroker start(Path dataDir, int port, Map<String, String> overrides) {
        return start(dataDir, false, port, overrides);
    }

    private static LocalKafkaBroker start(Path dataDir, boolean owns, int port, Map<String, String> overrides) {
        LocalKafkaBroker broker = new LocalKafkaBroker(dataDir, owns, port, Loopback.freePort(), overrides);
        try {
            broker.format();
            broker.launch();
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return dataDir.resolve("broker.log");
    }

    /**
     * What a test reports when the broker stopped answering: whether its process still runs,
     * the free space where it writes, and the last lines of its log (gone once it is closed).
     */
    public synchronized String diagnostics() {
        String state = process == null ? "not started"
            : process.isAlive() ? "process " + process.pid() + " running" : "process exited with " + process.exitValue();
        return "local broker " + state + ", " + (dataDir.toFile().getUsableSpace() >> 20) + " MiB free under " + dataDir + ", "
            + logTail();
    }

    /** CPU time the running broker process has used since it (re)started; zero when it is not running or the OS does not say. */
    public synchronized Duration cpuTime() {
        return process == null || !process.isAlive() ? Duration.ZERO
            : process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** An admin client for this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Starts the broker process again on the same port and data, after {@link #stop} or {@link #kill}. */
    public synchronized void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("broker is running");
        }
        launch();
    }

    /** Stops the broker cleanly, keeping its data for {@link #restart}. */
    public synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                LOG.warn("Kafka broker did not stop within {}; killing it", STOP_TIMEOUT);
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the broker process at once (SIGKILL), as a crash would. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
    }

    @Override
    public synchronized void close() {
        stop();
        if (ownsDataDir) {
            Loopback.deleteQuietly(dataDir);
        }
    }

    private void writeConfig(int controllerPort, Map<String, String> overrides) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dataDir.resolve("logs").toString());
        // A single broker: every internal topic has one replica.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "10");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "10");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // Consumers of a fresh group start at once instead of waiting for more members.
        props.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created by code with explicit partitions and cleanup policies.
        props.put("auto.create.topics.enable", "false");
        props.putAll(overrides);
        try {
            Files.createDirectories(dataDir);
            try (var out = Files.newBufferedWriter(configFile)) {
                props.store(out, "faultline local broker");
            }
            try (InputStream log4j = LocalKafkaBroker.class.getResourceAsStream("broker-log4j2.properties")) {
                Files.copy(log4j, dataDir.resolve("log4j2.properties"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void format() {
        if (Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
            return;
        }
        Process formatter = java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString());
        try {
            if (!formatter.waitFor(60, TimeUnit.SECONDS) || formatter.exitValue() != 0) {
                formatter.destroyForcibly();
                throw new IllegalStateException("Formatting the Kafka data directory failed: " + logTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting", e);
        }
    }

    private void launch() {
        process = java("kafka.Kafka", configFile.toString());
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000"))) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Kafka broker exited with " + process.exitValue() + " while starting: " + logTail());
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        LOG.info("Kafka broker ready at {} (data in {})", bootstrapServers(), dataDir);
                        return;
                    }
                } catch (ExecutionException | TimeoutException notYet) {
                    // The broker is still starting; ask again until the deadline.
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Kafka broker not ready within " + START_TIMEOUT + ": " + logTail());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the broker", e);
        }
    }

    private Process java(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        // Its own session, so a terminal's Ctrl-C reaches only the parent, which then stops
        // the broker after its clients have closed rather than before.
        if (Files.isExecutable(SETSID)) {
            command.add(SETSID.toString());
        }
        command.addAll(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true",
            "-Dlog4j2.configurationFile=" + dataDir.resolve("log4j2.properties"),
            "-cp", classpath, mainClass));
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + mainClass, e);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return "last lines of " + logFile() + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log at " + logFile() + ")";
        }
    }

    private static String brokerClasspath() {
        try (InputStream in = LocalKafkaBroker.class.getResourceAsStream("broker.classpath")) {
            if (in == null) {
                throw new IllegalStateException("broker.classpath resource missing: build faultline-broker-runtime first (mvn install)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
