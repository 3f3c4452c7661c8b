package dev.faultline.topology.processors;

import java.time.Duration;

import java.util.EnumMap;
import java.util.Map;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.faultline.schema.ClassificationRules;
import dev.faultline.schema.ClassifiedLog;
import dev.faultline.schema.FaultKind;
import dev.faultline.schema.LogRecord;
import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.internal.Signal;
import dev.faultline.topology.AnalyzerVersion;
import dev.faultline.topology.InputRecord;
import dev.faultline.topology.Names;
import dev.faultline.topology.SignalAsRead;
import dev.faultline.topology.domain.Classification;
import dev.faultline.topology.domain.LogClassifier;
import dev.faultline.topology.domain.RuleSet;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;

/**
 * Turns input records into signals of their service, requests and metric samples with the
 * bytes they were read as (see {@link SignalAsRead}), classifying warning- and error-level
 * logs; lower levels only count by severity. Runs after the repartition by service, which
 * forwards records as they were read (see {@link InputRecord}). The rule
 * set starts as configured and is replaced, without a restart, by the latest valid set
 * published on the rules topic (global store {@link Names#CLASSIFICATION_RULES_STORE}),
 * checked every few seconds of wall-clock time. An invalid published set is refused by
 * {@link RulesUpdater} and never replaces the current one.
 */
public final class ClassifyProcessor implements FixedKeyProcessor<String, InputRecord, SignalAsRead> {
    public static final String ACTIVE_KEY = "active";
    static final Duration REFRESH = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(ClassifyProcessor.class);
    private static final int MAX_BODY = 2_000;

    private final RuleSet configured;
    private FixedKeyProcessorContext<String, SignalAsRead> context;
    private KeyValueStore<String, ClassificationRules> published;
    private LogClassifier classifier;
    private String activeDocument;
    private final Map<FaultKind, Counter> classified = new EnumMap<>(FaultKind.class);

    public ClassifyProcessor(RuleSet configured) {
        this.configured = configured;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, SignalAsRead> context) {
        this.context = context;
        this.published = context.getStateStore(Names.CLASSIFICATION_RULES_STORE);
        this.classifier = new LogClassifier(configured);
        refresh();
        context.schedule(REFRESH, PunctuationType.WALL_CLOCK_TIME, now -> refresh());
    }

    private void refresh() {
        ClassificationRules update = published.get(ACTIVE_KEY);
        if (update == null || update.getDocument().equals(activeDocument)) {
            return;
        }
        activeDocument = update.getDocument();
        try {
            RuleSet rules = RuleSet.parse(update.getDocument());
            classifier = new LogClassifier(rules);
            LOG.info("Classification rules replaced: {} rules, published by {}", rules.rules().size(), update.getUpdatedBy());
        } catch (RuleSet.InvalidRuleSetException e) {
            // The updater refuses invalid sets, but a global store may be restored from the topic without it.
            LOG.error("Ignoring the rule set published by {}: {}; keeping the current one", update.getUpdatedBy(), e.getMessage());
        }
    }

    @Override
    public void process(FixedKeyRecord<String, InputRecord> record) {
        if (!(record.value().decoded() instanceof LogRecord log)) {
            context.forward(record.withValue(new SignalAsRead(new Signal(record.key(), record.value().decoded(), null), record.value().bytes())));
            return;
        }
        if (log.getSeverity().compareTo(LogSeverity.WARN) < 0) {
            context.forward(record.withValue(new SignalAsRead(new Signal(log.getService(), log.getSeverity(), log.getTime()), null)));
            return;
        }
        Classification c = classifier.classify(log.getBody(), log.getAttributes());
        classified.computeIfAbsent(c.kind(), k -> Metrics.counter("faultline.classified.logs", "kind", k.name())).increment();
        String body = log.getBody();
        ClassifiedLog classified = ClassifiedLog.newBuilder()
            .setAnalyzerVersion(AnalyzerVersion.VERSION)
            .setEventTime(log.getTime())
            .setService(log.getService())
            .setInstance(log.getInstance())
            .setLogSeverity(log.getSeverity())
            .setCategory(c.category())
            .setKind(c.kind())
            .setSeverity(c.severity())
            .setRuleId(c.ruleId())
            .setBody(body.length() > MAX_BODY ? body.substring(0, MAX_BODY) : body)
            .setTraceId(log.getTraceId())
            .build();
        context.forward(record.withValue(new SignalAsRead(new Signal(log.getService(), classified, null), null)));
    }
}
