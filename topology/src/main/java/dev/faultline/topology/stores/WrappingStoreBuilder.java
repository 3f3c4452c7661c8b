package dev.faultline.topology.stores;

import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.StoreBuilder;

/** Builds a store that wraps the one {@code inner} builds and is its own cache, so Kafka Streams' record cache is refused. */
record WrappingStoreBuilder<T extends StateStore, I extends StateStore>(StoreBuilder<I> inner, Function<I, T> wrap)
        implements StoreBuilder<T> {
    @Override
    public StoreBuilder<T> withCachingEnabled() {
        throw new UnsupportedOperationException(inner.name() + " keeps its own values in memory until a commit: no record cache");
    }

    @Override
    public StoreBuilder<T> withCachingDisabled() {
        inner.withCachingDisabled();
        return this;
    }

    @Override
    public StoreBuilder<T> withLoggingEnabled(Map<String, String> config) {
        inner.withLoggingEnabled(config);
        return this;
    }

    @Override
    public StoreBuilder<T> withLoggingDisabled() {
        inner.withLoggingDisabled();
        return this;
    }

    @Override
    public T build() {
        return wrap.apply(inner.build());
    }

    @Override
    public Map<String, String> logConfig() {
        return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
        return inner.loggingEnabled();
    }

    @Override
    public String name() {
        return inner.name();
    }
}
