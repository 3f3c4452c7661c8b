package dev.faultline.topology;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

import dev.faultline.schema.WindowStats;
import dev.faultline.topology.config.AnalyzerConfig;
import dev.faultline.topology.domain.RequestStats;

/** The only place the analyzer's topology is built; {@code main} and the tests both use it. */
public final class AnalyzerTopology {
    private AnalyzerTopology() {
    }

    public static Topology build(AnalyzerConfig config, AnalyzerSerdes serdes) {
        StreamsBuilder builder = new StreamsBuilder();

        // Requests -> per-service tumbling windows on event time -> one WindowStats per closed window.
        builder.stream(config.topics().requests(), Consumed.with(Serdes.ByteArray(), serdes.requests())
                .withName(Names.REQUESTS_SOURCE)
                .withTimestampExtractor(new TelemetryTimestampExtractor()))
            .selectKey((key, request) -> request.getService(), Named.as(Names.REQUESTS_KEYED_BY_SERVICE))
            .groupByKey(Grouped.with(Names.REQUESTS_BY_SERVICE, Serdes.String(), serdes.requests()))
            .windowedBy(TimeWindows.ofSizeAndGrace(config.windowSize(), config.windowGrace()))
            .emitStrategy(EmitStrategy.onWindowClose())
            .aggregate(RequestStats::empty, (service, request, stats) -> RequestStats.add(stats, request),
                Named.as(Names.REQUEST_STATS_AGGREGATE),
                Materialized.<String, WindowStats, WindowStore<Bytes, byte[]>>as(Names.REQUEST_STATS_STORE)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(serdes.windowStats()))
            .toStream(Named.as(Names.REQUEST_STATS_CLOSED))
            .map((window, stats) -> KeyValue.pair(window.key(),
                    RequestStats.close(stats, window.window().startTime(), window.window().endTime(), AnalyzerVersion.VERSION)),
                Named.as(Names.REQUEST_STATS_FINAL))
            .to(config.topics().windowStats(), Produced.with(Serdes.String(), serdes.windowStats()).withName(Names.WINDOW_STATS_SINK));

        return builder.build();
    }
}
