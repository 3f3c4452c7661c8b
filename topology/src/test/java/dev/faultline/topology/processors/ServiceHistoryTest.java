package dev.faultline.topology.processors;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServiceHistoryTest {
    private static final Duration RETENTION = Duration.ofMillis(1_000);
    private KeyValueStore<Bytes, String> store;
    private ServiceHistory<String> history;

    @BeforeEach
    void openStore() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("history"), Serdes.Bytes(), Serdes.String())
            .withLoggingDisabled().build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        history = new ServiceHistory<>(store, RETENTION);
    }

    @Test
    void shouldFetchOneServicesRecordsInTimeOrderWithinInclusiveBounds() {
        history.put("checkout", 300, "", "c300");
        history.put("checkout", 100, "", "c100");
        history.put("checkout", 200, "", "c200");
        history.put("checkout-api", 150, "", "other service with a longer name");
        history.put("cart", 150, "", "other service with a shorter name");

        assertThat(ServiceHistory.fetch(store, "checkout", 100, 300, 10)).containsExactly("c100", "c200", "c300");
        assertThat(ServiceHistory.fetch(store, "checkout", 101, 299, 10)).containsExactly("c200");
        assertThat(ServiceHistory.fetch(store, "checkout", 0, Long.MAX_VALUE, 2)).containsExactly("c100", "c200");
        assertThat(ServiceHistory.fetchAll(store, 150, 200)).containsExactlyInAnyOrder("c200", "other service with a longer name",
            "other service with a shorter name");
    }

    @Test
    void shouldKeepRecordsOfOneTimeApartByDiscriminator() {
        history.put("checkout", 100, "fault-1/OPENED", "opened");
        history.put("checkout", 100, "fault-2/OPENED", "another");
        history.put("checkout", 100, "fault-1/OPENED", "opened again");

        assertThat(ServiceHistory.fetch(store, "checkout", 100, 100, 10)).containsExactly("opened again", "another");
    }

    @Test
    void shouldDropAServicesRecordsOlderThanRetentionWhenItWrites() {
        history.put("checkout", 0, "", "old");
        history.put("checkout", 500, "", "kept");
        history.put("checkout", 1_200, "", "new");

        assertThat(ServiceHistory.fetch(store, "checkout", Long.MIN_VALUE, Long.MAX_VALUE, 10)).containsExactly("kept", "new");
    }

    @Test
    void shouldSweepServicesThatStoppedWritingOnceRetentionHasPassedSinceTheLastSweep() {
        history.put("silent-a", 0, "", "a");
        history.put("silent-b", 10, "", "b");
        history.put("active", 900, "", "active 900");
        assertThat(ServiceHistory.fetchAll(store, Long.MIN_VALUE, Long.MAX_VALUE)).hasSize(3);

        history.put("active", 1_050, "", "active 1050");

        assertThat(ServiceHistory.fetchAll(store, Long.MIN_VALUE, Long.MAX_VALUE)).containsExactlyInAnyOrder("active 900", "active 1050");
    }

    @Test
    void shouldReadServiceAndTimeBackFromAKey() {
        Bytes key = ServiceHistory.key("zahlungsdienst-ü", -5, "x");
        assertThat(ServiceHistory.serviceOf(key)).isEqualTo("zahlungsdienst-ü");
        assertThat(ServiceHistory.timeOf(key)).isEqualTo(-5);
        assertThat(List.of(ServiceHistory.key("s", -1, ""), ServiceHistory.key("s", 0, ""), ServiceHistory.key("s", 1, "")))
            .isSorted();
    }
}
