package dev.faultline.topology.processors;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.kafka.common.errors.SerializationException;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.faultline.schema.ClassifiedLog;
import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.internal.TemplateRecord;
import dev.faultline.topology.Names;
import dev.faultline.topology.SignalAsRead;
import dev.faultline.topology.domain.SecondChanceCache;
import dev.faultline.topology.domain.templates.LogTemplate;
import dev.faultline.topology.domain.templates.MinerSettings;
import dev.faultline.topology.domain.templates.TemplateMiner;

/**
 * Mines the template of every classified log's message line, per service, and marks the
 * first line of an error-level template that appears after the service's learning period,
 * which begins with its first classified log.
 * Each template is one small record in {@link Names#LOG_TEMPLATES_STORE} (changelogged, a
 * {@link dev.faultline.topology.stores.WriteBehindKeyValueStore}), written when the template is
 * created or generalised: what a rebuilt tree needs. Not when a log merely matches it: with
 * 100,000 services nearly every log was its template's only one in a commit, so that wrote a
 * record (tokens and example) per log, a tenth of the analyzer's CPU per record in the load
 * benchmark; how often a template was seen is in the window statistics ({@code logsByTemplate}).
 * A service's tree is rebuilt from its records on first use after a restart or a rebalance, so
 * no record ever carries a whole tree. Trees are kept in memory for the services of the task
 * that logged last, as many as its share of the instance's {@link TemplateTreeBudget} (about
 * 5 KB each); another service's tree is rebuilt from the store when it logs again, so memory
 * does not grow with the number of services. With more services per task than that, most logs
 * pay a rebuild (a range read of the store) and the evicted trees load the collector: with
 * 100,000 services, keeping all of a task's trees made the load benchmark's analyzer x1.12.
 * A classified log is complete here, so it is encoded here, once, for both its topic and the
 * open-window store's log ({@link SignalAsRead#asRead}): encoding it again for the store at each
 * commit, as a signal, was about 2 % of the stream threads' time with 100,000 services.
 */
public final class TemplateProcessor implements FixedKeyProcessor<String, SignalAsRead, SignalAsRead> {
    static final char SEPARATOR = '\u0000';
    private static final int MAX_LINE = 1_000;

    private final MinerSettings settings;
    private final Duration learningPeriod;
    /**
     * Trees of the task's most recently used services, at most its share of the budget (which shrinks as more tasks
     * share it). Copies of what the store holds, so cleared whenever the processor is (re)initialised, as the store
     * may then hold something else.
     */
    private final SecondChanceCache<String, ServiceTemplates> services;
    private final Function<ClassifiedLog, byte[]> encoder;
    private final TemplateTreeBudget budget;
    private boolean sharingBudget;
    private FixedKeyProcessorContext<String, SignalAsRead> context;
    private KeyValueStore<String, TemplateRecord> store;

    /** A service's tree, with what its stored records add to it, so a log needs no read of the store. */
    private static final class ServiceTemplates {
        final TemplateMiner miner;
        final Map<String, Instant> firstSeen = new HashMap<>();
        Instant learningStart;

        ServiceTemplates(MinerSettings settings, Consumer<String> onEvicted) {
            miner = new TemplateMiner(settings, evicted -> {
                firstSeen.remove(evicted.id());
                onEvicted.accept(evicted.id());
            });
        }
    }

    /** {@code encoder} writes a classified log as its topic takes it (Confluent wire format). */
    public TemplateProcessor(MinerSettings settings, Duration learningPeriod, TemplateTreeBudget budget,
                             Function<ClassifiedLog, byte[]> encoder) {
        this.settings = settings;
        this.learningPeriod = learningPeriod;
        this.budget = budget;
        this.services = new SecondChanceCache<>(budget::share, evicted -> { });
        this.encoder = encoder;
    }

    public static String key(String service, String templateId) {
        return service + SEPARATOR + templateId;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, SignalAsRead> context) {
        this.context = context;
        this.store = context.getStateStore(Names.LOG_TEMPLATES_STORE);
        services.clear();
        // From init to close: Kafka Streams closes a suspended task's processors and initialises them again on resume.
        if (!sharingBudget) {
            budget.join();
            sharingBudget = true;
        }
    }

    @Override
    public void close() {
        services.clear();
        if (sharingBudget) {
            budget.leave();
            sharingBudget = false;
        }
    }

    @Override
    public void process(FixedKeyRecord<String, SignalAsRead> record) {
        if (!(record.value().signal().getPayload() instanceof ClassifiedLog log)) {
            context.forward(record);
            return;
        }
        String service = record.key();
        Instant time = log.getEventTime();
        ServiceTemplates templates = services.computeIfAbsent(service, this::rebuild);
        if (templates.learningStart == null) {
            templates.learningStart = time;
            store.put(key(service, ""), new TemplateRecord(List.of(), 0L, null, time, time));
        }
        TemplateMiner.Match match = templates.miner.add(messageLine(log.getBody()));
        LogTemplate template = match.template();
        if (match.created() || match.changed()) {
            Instant firstSeen = templates.firstSeen.computeIfAbsent(template.id(), id -> time);
            store.put(key(service, template.id()), new TemplateRecord(template.tokenList(), template.count(), template.example(), firstSeen, time));
        }
        log.setTemplateId(template.id());
        log.setTemplate(template.text());
        log.setNewTemplate(match.created() && log.getLogSeverity().compareTo(LogSeverity.ERROR) >= 0
            && !time.isBefore(templates.learningStart.plus(learningPeriod)));
        context.forward(record.withValue(new SignalAsRead(record.value().signal(), encoded(log))));
    }

    /**
     * Null if the log cannot be encoded now (its schema not registered, the registry away): the sink then tries again
     * and reports the failure as it reports any output it cannot write, and the store encodes the signal itself.
     */
    private byte[] encoded(ClassifiedLog log) {
        try {
            return encoder.apply(log);
        } catch (SerializationException e) {
            return null;
        }
    }

    private ServiceTemplates rebuild(String service) {
        ServiceTemplates templates = new ServiceTemplates(settings, evicted -> store.delete(key(service, evicted)));
        try (KeyValueIterator<String, TemplateRecord> records = store.range(key(service, ""), service + (char) (SEPARATOR + 1))) {
            while (records.hasNext()) {
                KeyValue<String, TemplateRecord> entry = records.next();
                String id = entry.key.substring(service.length() + 1);
                if (id.isEmpty()) {
                    templates.learningStart = entry.value.getFirstSeen();
                } else {
                    templates.miner.restore(id, entry.value.getTokens(), entry.value.getCount(), entry.value.getExample());
                    templates.firstSeen.put(id, entry.value.getFirstSeen());
                }
            }
        }
        return templates;
    }

    private static String messageLine(String body) {
        int end = body.indexOf('\n');
        String line = end < 0 ? body : body.substring(0, end);
        return line.length() > MAX_LINE ? line.substring(0, MAX_LINE) : line;
    }
}
