package dev.faultline.topology.processors;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.faultline.schema.ClassificationRules;
import dev.faultline.topology.Names;
import dev.faultline.topology.domain.RuleSet;
import dev.faultline.topology.errors.InvalidRecordException;

/**
 * Keeps the global rules store in step with the compacted rules topic. A rule set that does
 * not parse is refused here and the store keeps the last valid set. The processing handler
 * logs and counts it with the reason; Kafka Streams 4.3 cannot yet write dead-letter records
 * from a global processor, so it does not reach the dead-letter topic.
 */
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
            return;
        }
        try {
            RuleSet.parse(record.value().getDocument());
        } catch (RuleSet.InvalidRuleSetException e) {
            throw new InvalidRecordException(e.getMessage() + " (published by " + record.value().getUpdatedBy() + ")");
        }
        store.put(record.key(), record.value());
    }
}
