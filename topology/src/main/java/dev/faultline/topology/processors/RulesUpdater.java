package dev.faultline.topology.processors;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.faultline.schema.ClassificationRules;
import dev.faultline.topology.Names;

/** Keeps the global rules store in step with the compacted rules topic. */
public final class RulesUpdater implements Processor<String, ClassificationRules, Void, Void> {
    private KeyValueStore<String, ClassificationRules> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(Names.CLASSIFICATION_RULES_STORE);
    }

    @Override
    public void process(Record<String, ClassificationRules> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
    }
}
