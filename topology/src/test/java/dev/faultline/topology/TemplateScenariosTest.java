package dev.faultline.topology;

import static dev.faultline.topology.AnalyzerDriver.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.faultline.schema.ClassifiedLog;
import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.WindowStats;
import dev.faultline.schema.internal.TemplateRecord;
import dev.faultline.serde.MockSchemaRegistry;
import dev.faultline.serde.SerdeConfig;
import dev.faultline.topology.config.AnalyzerConfig;
import dev.faultline.topology.processors.TemplateProcessor;

/** Templates on classified logs, and new error patterns after the learning period as one grouped fault. */
class TemplateScenariosTest {
    private static final String[] WORDS = {"order", "payment", "ledger", "quota", "refund", "invoice", "coupon", "basket",
        "tax", "shipment", "voucher", "wallet", "merchant", "rebate", "receipt"};

    private static final int CACHED_SERVICES = 100;
    private final AnalyzerDriver analyzer = new AnalyzerDriver(Map.of(
        "analyzer.templates.cached-services", String.valueOf(CACHED_SERVICES),
        "analyzer.templates.learning-period.ms", "300000",
        "analyzer.rule.new-error-pattern.quiet.ms", "180000"), AnalyzerDriver.T0);

    @AfterEach
    void close() {
        analyzer.close();
    }


    /** A message unlike the others: its own first word and length. */
    private static String distinctMessage(int i) {
        StringBuilder message = new StringBuilder(WORDS[i % WORDS.length]).append("-failure");
        for (int j = 0; j <= i % 4; j++) {
            message.append(' ').append(WORDS[(i * 7 + j + 3) % WORDS.length]);
        }
        return message.append(" could not be settled").toString();
    }

    @Test
    void shouldCountAClassifiedLogInItsWindowAndDeadLetterItWhenItCannotBeEncodedForItsTopic() {
        // The subject of classified logs already holds a schema the analyzer's cannot follow: every encoding is refused.
        String scope = "incompatible-classified-logs-" + UUID.randomUUID();
        MockSchemaRegistry.client(scope).register(AnalyzerConfig.DEFAULTS.get(AnalyzerConfig.TOPIC_CLASSIFIED_LOGS) + "-value",
            SchemaBuilder.record("ClassifiedLog").namespace("dev.faultline.schema").fields().requiredInt("shard").endRecord());
        try (AnalyzerDriver refused = new AnalyzerDriver(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope), AnalyzerDriver.T0)) {
            refused.minute(0, () -> refused.log("billing", LogSeverity.ERROR, "Connection refused to db-1", at(0, 10)));
            refused.minute(1, () -> refused.requests("billing", 1, 1, 0, 10));
            refused.minute(2, () -> refused.requests("billing", 2, 1, 0, 10));

            assertThat(refused.classifiedLogs()).isEmpty();
            assertThat(refused.deadLetters()).extracting(r -> r.value().getReason().name()).containsExactly("PRODUCTION_ERROR");
            assertThat(refused.serviceWindows()).filteredOn(w -> w.getWindowStart().equals(AnalyzerDriver.T0))
                .singleElement().satisfies(w -> assertThat(w.getLogsByKind().values()).containsExactly(1L));
        } finally {
            MockSchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldGroupABurstOfNewErrorTemplatesIntoOneFaultAfterTheLearningPeriod() {
        for (int m = 0; m < 12; m++) {
            final int minute = m;
            analyzer.minute(m, () -> {
                analyzer.requests("billing", minute, 30, 0, 10);
                for (int i = 0; i < 3; i++) {
                    analyzer.log("billing", LogSeverity.ERROR, "Connection refused to db-" + (minute * 3 + i), at(minute, 10 + i));
                }
                if (minute == 2) {
                    // Within the learning period: a new template, but no fault.
                    analyzer.log("billing", LogSeverity.ERROR, "warmup failed for cache region", at(2, 20));
                }
                if (minute == 7) {
                    // A bad deploy: twelve error messages never seen before.
                    for (int i = 0; i < 12; i++) {
                        analyzer.log("billing", LogSeverity.ERROR, distinctMessage(i), at(7, 20 + i));
                    }
                }
            });
        }

        List<FaultEvent> faults = analyzer.faultEventRecords();
        assertThat(faults).extracting(f -> f.getType() + " " + f.getKind() + " " + f.getSeverity() + " " + f.getEventTime())
            .containsExactly("OPENED NEW_ERROR_PATTERN LOW " + at(8, 0), "RESOLVED NEW_ERROR_PATTERN LOW " + at(11, 0));
        FaultEvent opened = faults.get(0);
        assertThat(opened.getEvidence().getTemplateIds()).hasSize(12);
        assertThat(opened.getEvidence().getSampleLogs()).contains(distinctMessage(0));

        List<ClassifiedLog> logs = analyzer.classifiedLogs();
        Set<String> refusedTemplates = logs.stream().filter(l -> l.getBody().startsWith("Connection refused"))
            .map(ClassifiedLog::getTemplateId).collect(Collectors.toSet());
        assertThat(refusedTemplates).hasSize(1);
        assertThat(logs).filteredOn(l -> l.getBody().startsWith("Connection refused")).first()
            .satisfies(l -> assertThat(l.getTemplate()).isEqualTo("Connection refused to db-<*>"));
        assertThat(logs).filteredOn(ClassifiedLog::getNewTemplate).extracting(ClassifiedLog::getEventTime)
            .allSatisfy(t -> assertThat(t).isAfterOrEqualTo(at(5, 0))).hasSize(12);

        WindowStats burst = analyzer.serviceWindows().get(7);
        assertThat(burst.getLogsByTemplate()).hasSize(13).containsValue(3L);
        assertThat(burst.getLogsByTemplate().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(15L);
    }

    @Test
    void shouldNotCallWarningsNewErrorPatterns() {
        for (int m = 0; m < 9; m++) {
            final int minute = m;
            analyzer.minute(m, () -> {
                analyzer.requests("billing", minute, 30, 0, 10);
                if (minute == 7) {
                    analyzer.log("billing", LogSeverity.WARN, distinctMessage(1), at(7, 5));
                }
            });
        }
        assertThat(analyzer.faultEvents()).isEmpty();
        Instant t = at(7, 5);
        assertThat(analyzer.classifiedLogs()).singleElement().satisfies(l -> {
            assertThat(l.getEventTime()).isEqualTo(t);
            assertThat(l.getNewTemplate()).isFalse();
            assertThat(l.getTemplateId()).isNotNull();
        });
    }

    @Test
    void shouldStartTheLearningPeriodAtAServicesFirstClassifiedLogWhateverItsLevel() {
        analyzer.log("billing", LogSeverity.WARN, "settlement slow for batch 17", at(0, 1));
        analyzer.log("billing", LogSeverity.ERROR, "ledger write rejected by replica 3", at(6, 1));
        analyzer.log("billing", LogSeverity.ERROR, "ledger write rejected by replica 4", at(6, 2));

        assertThat(analyzer.classifiedLogs()).extracting(ClassifiedLog::getNewTemplate)
            .as("the error template is first seen six minutes after the first log, past the five of learning")
            .containsExactly(false, true, false);
    }

    @Test
    void shouldKeepTheLearningStartWhenATreeIsRebuiltFromTheStore() {
        analyzer.log("billing", LogSeverity.WARN, "settlement slow for batch 17", at(0, 1));
        logFromMoreServicesThanTreesAreKeptFor(); // billing's tree and learning start leave memory
        analyzer.log("billing", LogSeverity.ERROR, "ledger write rejected by replica 3", at(6, 1));

        assertThat(analyzer.classifiedLogs()).filteredOn(l -> l.getService().equals("billing"))
            .extracting(ClassifiedLog::getNewTemplate)
            .as("learning began at 0:01 (read back from the store), so a template first seen at 6:01 is new")
            .containsExactly(false, true);
    }

    @Test
    void shouldRebuildATreeEvictedFromMemoryFromTheStore() {
        analyzer.log("billing", LogSeverity.ERROR, "settlement failed for batch 17", at(0, 1));
        logFromMoreServicesThanTreesAreKeptFor(); // billing's tree leaves memory
        analyzer.log("billing", LogSeverity.ERROR, "settlement failed for batch 18", at(6, 1));

        List<ClassifiedLog> billing = analyzer.classifiedLogs().stream().filter(l -> l.getService().equals("billing")).toList();
        assertThat(billing).hasSize(2);
        assertThat(billing.get(1).getTemplateId()).isEqualTo(billing.get(0).getTemplateId());
        assertThat(billing.get(1).getTemplate()).isEqualTo("settlement failed for batch <*>");
        assertThat(billing.get(1).getNewTemplate()).as("known before the learning period ended").isFalse();
    }

    /** A template's record is written when it is created or generalised, what a rebuilt tree needs, and not per matching log. */
    @Test
    void shouldStoreATemplateWhenItIsCreatedOrGeneralisedOnly() {
        analyzer.log("billing", LogSeverity.ERROR, "settlement failed for ledger", at(0, 1));
        analyzer.log("billing", LogSeverity.ERROR, "settlement failed for invoice", at(0, 2));
        analyzer.log("billing", LogSeverity.ERROR, "settlement failed for coupon", at(0, 3));

        List<ClassifiedLog> billing = analyzer.classifiedLogs();
        assertThat(billing).extracting(ClassifiedLog::getTemplateId).containsOnly(billing.get(0).getTemplateId());
        TemplateRecord stored = analyzer.driver.<String, TemplateRecord>getKeyValueStore(Names.LOG_TEMPLATES_STORE)
            .get(TemplateProcessor.key("billing", billing.get(0).getTemplateId()));
        assertThat(stored.getTokens()).containsExactly("settlement", "failed", "for", "<*>");
        assertThat(stored.getCount()).as("as of its generalisation by the second log").isEqualTo(2);
        assertThat(stored.getLastSeen()).isEqualTo(at(0, 2));
        assertThat(stored.getExample()).isEqualTo("settlement failed for ledger");
    }

    /** An error log at 0:02 from each of more services than a task keeps template trees in memory for. */
    private void logFromMoreServicesThanTreesAreKeptFor() {
        for (int i = 0; i <= CACHED_SERVICES; i++) {
            analyzer.log("svc-" + i, LogSeverity.ERROR, "disk quota exceeded on volume " + i, at(0, 2));
        }
    }
}
