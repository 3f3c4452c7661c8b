package dev.faultline.topology.app;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.faultline.topology.AnalyzerSerdes;
import dev.faultline.topology.AnalyzerTopology;
import dev.faultline.topology.alerting.AlertBridge;
import dev.faultline.topology.api.AnalyzerMetrics;
import dev.faultline.topology.api.ApiServer;
import dev.faultline.topology.api.Health;
import dev.faultline.topology.config.AnalyzerConfig;
import dev.faultline.topology.config.InputPartitioning;
import dev.faultline.topology.config.InputRouting;

/** One running analyzer instance: its topics ensured, its topology built and started. */
public final class Analyzer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Analyzer.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final AnalyzerConfig config;
    private final KafkaStreams streams;
    private final ApiServer api;
    private final Health health;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Optional<AlertBridge> alerts;
    private final Optional<DetourPurger> detourPurger;

    private Analyzer(AnalyzerConfig config) throws IOException, InterruptedException {
        this.config = config;
        AnalyzerSerdes serdes = new AnalyzerSerdes(config.kafka());
        try {
            serdes.prepareOutputs(config.topics());
        } catch (org.apache.kafka.common.errors.SerializationException e) {
            LOG.warn("Output schemas not registered at start ({}); the first record of each output will need the registry", e.getMessage());
        }
        InputRouting routing;
        try (Admin admin = Admin.create(Map.copyOf(config.kafka()))) {
            routing = TopicProvisioner.routing(admin, config);
        }
        Topology topology = AnalyzerTopology.build(config, serdes, routing);
        detourPurger = routing.partitioning() == InputPartitioning.AUTO ? Optional.of(new DetourPurger(config)) : Optional.empty();
        LOG.debug("Topology:\n{}", topology.describe());
        // The HTTP server binds first: its address is how other instances route queries here.
        api = new ApiServer(config.http(), new AnalyzerMetrics(), Clock.systemUTC());
        Properties props = new Properties();
        props.putAll(config.kafka());
        props.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, api.advertisedAddress());
        streams = new KafkaStreams(topology, props);
        health = new Health(streams, Clock.systemUTC());
        api.attach(streams, health);
        LOG.info("Query API, metrics and status page on {}://{}/status", config.http().keystore().isPresent() ? "https" : "http",
            api.advertisedAddress());
        alerts = config.alertmanager().enabled()
            ? Optional.of(new AlertBridge(config, api.advertisedAddress(), Clock.systemUTC()))
            : Optional.empty();
        streams.setStateListener((now, before) -> {
            LOG.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        // A failed stream thread is replaced rather than taking the instance down; the count
        // lets health checks (and operators) see a thread that keeps dying.
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("Stream thread died ({} in the last {}); replacing it", health.threadReplaced(), Health.DEATH_WINDOW, e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    /**
     * Makes en_US this JVM's default format locale. Kafka Streams (4.3, {@code PartitionGroup.readyToProcess}) formats
     * messages with {@code String.format} for each partition of a task without buffered records, before every record
     * the task processes, logged or not; in any other locale each format builds a {@code DecimalFormatSymbols}. With
     * input keyed by service the detour's partitions are always empty: 7 % of the analyzer's CPU per record with
     * 100,000 services (JFR and LoadBenchmark, 2026-12-05). Numbers format the same in en_US as in the root locale.
     */
    public static void useEnUsFormatLocale() {
        Locale.setDefault(Locale.Category.FORMAT, Locale.US);
    }

    /** Ensures the topics (when configured to) and starts processing. */
    public static Analyzer start(AnalyzerConfig config) throws InterruptedException, IOException {
        useEnUsFormatLocale();
        if (config.createTopics()) {
            try (Admin admin = Admin.create(Map.copyOf(config.kafka()))) {
                TopicProvisioner.ensure(admin, TopicProvisioner.topics(config));
            }
        }
        Analyzer analyzer = new Analyzer(config);
        analyzer.streams.start();
        analyzer.alerts.ifPresent(bridge -> {
            Thread thread = new Thread(bridge, "faultline-alertmanager-bridge");
            thread.setDaemon(true);
            thread.start();
            LOG.info("Forwarding fault events to Alertmanager at {}", config.alertmanager().urls());
        });
        return analyzer;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }


    public KafkaStreams streams() {
        return streams;
    }

    public AnalyzerConfig config() {
        return config;
    }

    /** The port the HTTP API listens on. */
    public int httpPort() {
        return api.port();
    }

    /** Blocks until the instance has stopped (closed, or failed for good). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        // Leaving the group hands this instance's partitions to the others at once, instead
        // of after the session timeout.
        streams.close(org.apache.kafka.streams.CloseOptions.timeout(CLOSE_TIMEOUT)
            .withGroupMembershipOperation(org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        alerts.ifPresent(AlertBridge::close);
        detourPurger.ifPresent(DetourPurger::close);
        api.close();
        stopped.countDown();
    }
}
