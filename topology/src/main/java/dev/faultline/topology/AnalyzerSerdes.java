package dev.faultline.topology;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;

import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.WindowStats;
import dev.faultline.serde.AvroSerde;
import dev.faultline.serde.SchemaRegistryClient;
import dev.faultline.serde.SchemaRegistryClients;
import dev.faultline.serde.SerdeConfig;

/**
 * Every serde the topology uses, built in one place from the analyzer's settings and
 * sharing one registry client, so each schema is fetched once per process.
 */
public final class AnalyzerSerdes {
    private final Map<String, ?> settings;
    private final SchemaRegistryClient client;

    public AnalyzerSerdes(Map<String, ?> settings) {
        this.settings = settings;
        this.client = SchemaRegistryClients.create(SerdeConfig.from(settings));
    }

    public AvroSerde<RequestEvent> requests() {
        return value(RequestEvent.class);
    }

    public AvroSerde<WindowStats> windowStats() {
        return value(WindowStats.class);
    }

    private <T extends SpecificRecord> AvroSerde<T> value(Class<T> type) {
        AvroSerde<T> serde = AvroSerde.specific(type, client);
        serde.configure(settings, false);
        return serde;
    }
}
