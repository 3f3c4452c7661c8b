package dev.faultline.topology.alerting;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.FaultEventType;
import dev.faultline.serde.AvroSerde;
import dev.faultline.topology.config.AnalyzerConfig;

/**
 * Forwards fault events to Alertmanager. Reads every partition of the fault-events topic
 * (read committed) from {@code lookback} ago, so after any restart it knows which faults
 * are still open; posts OPENED and UPDATED faults as firing alerts and RESOLVED ones with
 * their end time; re-posts open faults every {@code resendInterval} with a fresh
 * {@code endsAt}, as Prometheus does, so an alert outlives no fault by more than a few
 * intervals. Every instance may run one: Alertmanager merges identical alerts.
 */
public final class AlertBridge implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertBridge.class);
    /** An open fault's alert stays firing this many resend intervals after it was last posted. */
    private static final int FIRING_INTERVALS = 3;
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);

    private final AnalyzerConfig.AlertmanagerSettings settings;
    private final String topic;
    private final String statusBase;
    private final Clock clock;
    private final AlertmanagerClient client;
    private final KafkaConsumer<String, FaultEvent> consumer;
    /** Open faults by id, in the order they were seen. */
    private final Map<String, FaultEvent> open = new LinkedHashMap<>();
    /** Events not yet delivered to any peer. */
    private final Map<String, FaultEvent> undelivered = new LinkedHashMap<>();
    private Instant nextAttempt = Instant.MIN;
    private volatile boolean closed;

    public AlertBridge(AnalyzerConfig config, String advertisedAddress, Clock clock) {
        this.settings = config.alertmanager();
        this.topic = config.topics().faultEvents();
        this.statusBase = "http://" + advertisedAddress;
        this.clock = clock;
        this.client = new AlertmanagerClient(settings.urls(), settings.timeout());
        AvroSerde<FaultEvent> serde = AvroSerde.specific(FaultEvent.class);
        serde.configure(config.kafka(), false);
        Map<String, Object> settings = config.clientSettings(ConsumerConfig.configNames());
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        settings.put(CommonClientConfigs.CLIENT_ID_CONFIG, config.applicationId() + "-alertmanager-bridge");
        this.consumer = new KafkaConsumer<>(settings, new StringDeserializer(), serde.deserializer());
    }

    @Override
    public void run() {
        try {
            Map<TopicPartition, Long> caughtUp = assignFromLookback();
            boolean replaying = true;
            Instant nextResend = Instant.MIN;
            while (!closed) {
                try {
                    for (ConsumerRecord<String, FaultEvent> record : consumer.poll(Duration.ofMillis(500))) {
                        track(record.value(), !replaying);
                    }
                } catch (RecordDeserializationException e) {
                    // Not a fault event: it cannot become an alert. Skip it, say so, count it; never stop the bridge.
                    LOG.warn("Skipping unreadable record {}@{} on {}: {}", e.topicPartition(), e.offset(), topic, e.getMessage());
                    io.micrometer.core.instrument.Metrics.counter("faultline.alertmanager.skipped.records").increment();
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
                if (replaying && caughtUp.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    replaying = false;
                    LOG.info("Alertmanager bridge caught up: {} open fault(s) to {}", open.size(), settings.urls());
                }
                if (replaying) {
                    continue;
                }
                Instant now = clock.instant();
                if (!now.isBefore(nextResend)) {
                    open.forEach(undelivered::putIfAbsent);
                    nextResend = now.plus(settings.resendInterval());
                }
                deliver(now);
            }
        } catch (WakeupException e) {
            if (!closed) {
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close();
        }
    }

    private Map<TopicPartition, Long> assignFromLookback() {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofMinutes(1)).stream()
            .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        long from = clock.millis() - settings.lookback().toMillis();
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(p -> times.put(p, from));
        // Ends first: a record written between the two calls is then found by time or read after the end.
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp offset = offsets.get(partition);
            consumer.seek(partition, offset == null ? ends.get(partition) : offset.offset());
        }
        return ends;
    }

    private void track(FaultEvent event, boolean live) {
        if (event == null) {
            return;
        }
        if (event.getType() == FaultEventType.RESOLVED) {
            open.remove(event.getFaultId());
            if (live) {
                undelivered.put(event.getFaultId(), event);
            } else {
                undelivered.remove(event.getFaultId());
            }
        } else {
            open.put(event.getFaultId(), event);
            undelivered.put(event.getFaultId(), event);
        }
    }

    private void deliver(Instant now) throws InterruptedException {
        if (undelivered.isEmpty() || now.isBefore(nextAttempt)) {
            return;
        }
        Instant firingUntil = now.plus(settings.resendInterval().multipliedBy(FIRING_INTERVALS));
        List<ObjectNode> alerts = new ArrayList<>();
        undelivered.values().forEach(e -> alerts.add(AlertmanagerAlert.of(e, firingUntil, now, statusBase + "/api/v1/services/"
            + URLEncoder.encode(e.getService(), StandardCharsets.UTF_8))));
        if (client.post(alerts)) {
            undelivered.clear();
        } else {
            // Kept for the next attempt: an Alertmanager outage delays alerts, it does not lose them.
            nextAttempt = now.plus(RETRY_AFTER_FAILURE);
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
    }
}
