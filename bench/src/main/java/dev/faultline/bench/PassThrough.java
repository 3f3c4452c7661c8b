package dev.faultline.bench;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;

import dev.faultline.serde.AvroSerializer;
import dev.faultline.topology.AnalyzerSerdes;
import dev.faultline.topology.config.AnalyzerConfig;

/**
 * The ceiling the analyzer is measured against: the same three inputs deserialized with the
 * same serde and every record re-serialized to one output topic, nothing else.
 */
final class PassThrough {
    private PassThrough() {
    }

    static Topology build(AnalyzerConfig config, String output) {
        AnalyzerSerdes serdes = new AnalyzerSerdes(config.kafka());
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        // Three record types on one topic: one subject per record type.
        java.util.Map<String, Object> settings = new java.util.HashMap<>(config.kafka());
        settings.put("value.subject.name.strategy", "RecordNameStrategy");
        serializer.configure(settings, false);
        StreamsBuilder builder = new StreamsBuilder();
        KStream<byte[], SpecificRecord> requests = builder.stream(config.topics().requests(),
            Consumed.with(Serdes.ByteArray(), serdes.requests()).withName("pass-requests")).mapValues(v -> (SpecificRecord) v);
        KStream<byte[], SpecificRecord> metrics = builder.stream(config.topics().metrics(),
            Consumed.with(Serdes.ByteArray(), serdes.metrics()).withName("pass-metrics")).mapValues(v -> (SpecificRecord) v);
        KStream<byte[], SpecificRecord> logs = builder.stream(config.topics().logs(),
            Consumed.with(Serdes.ByteArray(), serdes.logs()).withName("pass-logs")).mapValues(v -> (SpecificRecord) v);
        org.apache.kafka.common.serialization.Deserializer<SpecificRecord> writeOnly = (topic, data) -> {
            throw new UnsupportedOperationException("the pass-through only writes");
        };
        requests.merge(metrics, org.apache.kafka.streams.kstream.Named.as("pass-merge-metrics"))
            .merge(logs, org.apache.kafka.streams.kstream.Named.as("pass-merge-logs"))
            .to(output, Produced.with(Serdes.ByteArray(), Serdes.serdeFrom(serializer, writeOnly)).withName("pass-out"));
        return builder.build();
    }
}
