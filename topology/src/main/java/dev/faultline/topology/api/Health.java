package dev.faultline.topology.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

import org.apache.kafka.streams.KafkaStreams;

/**
 * What the Kubernetes probes see. Ready: Kafka Streams is RUNNING (not rebalancing or
 * restoring). Live: not failed for good, and stream threads are not dying over and over
 * (more than {@link #MAX_THREAD_DEATHS} replacements within {@link #DEATH_WINDOW}).
 */
public final class Health {
    static final int MAX_THREAD_DEATHS = 3;
    public static final Duration DEATH_WINDOW = Duration.ofMinutes(10);

    private final KafkaStreams streams;
    private final Clock clock;
    private final Deque<Instant> threadDeaths = new ArrayDeque<>();
    private long replacedTotal;

    public Health(KafkaStreams streams, Clock clock) {
        this.streams = streams;
        this.clock = clock;
    }

    /** Records a replaced stream thread; returns how many died within the window. */
    public synchronized int threadReplaced() {
        threadDeaths.addLast(clock.instant());
        replacedTotal++;
        return threadDeathsWithinWindow();
    }

    /** Stream threads replaced since start, for the metric alerting watches. */
    public synchronized long threadReplacements() {
        return replacedTotal;
    }

    public boolean ready() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    public boolean live() {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR) {
            return false;
        }
        return threadDeathsWithinWindow() <= MAX_THREAD_DEATHS;
    }

    synchronized int threadDeathsWithinWindow() {
        Instant horizon = clock.instant().minus(DEATH_WINDOW);
        while (!threadDeaths.isEmpty() && threadDeaths.peekFirst().isBefore(horizon)) {
            threadDeaths.removeFirst();
        }
        return threadDeaths.size();
    }
}
