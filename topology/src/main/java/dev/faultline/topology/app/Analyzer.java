package dev.faultline.topology.app;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.faultline.topology.AnalyzerSerdes;
import dev.faultline.topology.AnalyzerTopology;
import dev.faultline.topology.config.AnalyzerConfig;

/** One running analyzer instance: its topics ensured, its topology built and started. */
public final class Analyzer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Analyzer.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicInteger replacedThreads = new AtomicInteger();

    private Analyzer(AnalyzerConfig config) {
        Topology topology = AnalyzerTopology.build(config, new AnalyzerSerdes(config.kafka()));
        LOG.debug("Topology:\n{}", topology.describe());
        Properties props = new Properties();
        props.putAll(config.kafka());
        streams = new KafkaStreams(topology, props);
        streams.setStateListener((now, before) -> {
            LOG.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        // A failed stream thread is replaced rather than taking the instance down; the count
        // lets health checks (and operators) see a thread that keeps dying.
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("Stream thread died (replacement #{}); replacing it", replacedThreads.incrementAndGet(), e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    /** Ensures the topics (when configured to) and starts processing. */
    public static Analyzer start(AnalyzerConfig config) throws InterruptedException {
        if (config.createTopics()) {
            try (Admin admin = Admin.create(Map.copyOf(config.kafka()))) {
                TopicProvisioner.ensure(admin, TopicProvisioner.topics(config));
            }
        }
        Analyzer analyzer = new Analyzer(config);
        analyzer.streams.start();
        return analyzer;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public int replacedThreads() {
        return replacedThreads.get();
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Blocks until the instance has stopped (closed, or failed for good). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        streams.close(CLOSE_TIMEOUT);
        stopped.countDown();
    }
}
