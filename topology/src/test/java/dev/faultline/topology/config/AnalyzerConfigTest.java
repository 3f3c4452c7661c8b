package dev.faultline.topology.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnalyzerConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", "127.0.0.1:9092");
        settings.put("schema.registry.url", "http://127.0.0.1:8081");
        return settings;
    }

    @Test
    void shouldApplyDocumentedDefaults() {
        AnalyzerConfig config = AnalyzerConfig.from(minimal());
        assertThat(config.topics().requests()).isEqualTo("telemetry.requests");
        assertThat(config.topics().windowStats()).isEqualTo("faultline.window-stats");
        assertThat(config.windowSize()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.windowGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.kafka()).containsEntry("processing.guarantee", "exactly_once_v2")
            .containsEntry("application.id", "faultline")
            .containsEntry("ensure.explicit.internal.resource.naming", "true");
    }

    @Test
    void shouldKeepAsManyTemplateTreesAsAFifthOfTheHeapHoldsByDefault() {
        assertThat(AnalyzerConfig.templateTreesFittingInAFifthOf(1L << 30)).isEqualTo(41_943);
        assertThat(AnalyzerConfig.templateTreesFittingInAFifthOf(6L << 30)).isEqualTo(251_658);
        assertThat(AnalyzerConfig.templateTreesFittingInAFifthOf(1L << 20)).as("the setting's least").isEqualTo(100);
        assertThat(AnalyzerConfig.templateTreesFittingInAFifthOf(Long.MAX_VALUE)).as("no heap limit: the setting's most")
            .isEqualTo(10_000_000);
        assertThat(AnalyzerConfig.from(minimal()).templateCachedServices())
            .isEqualTo(AnalyzerConfig.templateTreesFittingInAFifthOf(Runtime.getRuntime().maxMemory()));
        Map<String, String> settings = minimal();
        settings.put(AnalyzerConfig.TEMPLATES_CACHED_SERVICES, "5000");
        assertThat(AnalyzerConfig.from(settings).templateCachedServices()).isEqualTo(5000);
    }

    @Test
    void shouldPassKafkaSettingsThroughUnderTheirStandardNames() {
        Map<String, String> settings = minimal();
        settings.put("num.stream.threads", "4");
        settings.put("processing.guarantee", "at_least_once");
        AnalyzerConfig config = AnalyzerConfig.from(settings);
        assertThat(config.kafka()).containsEntry("num.stream.threads", "4").containsEntry("processing.guarantee", "at_least_once");
        assertThat(config.kafka()).doesNotContainKey("analyzer.window.size.ms");
    }

    @Test
    void shouldCommitAtLeastOnceWorkEverySecondUnlessToldOtherwise() {
        Map<String, String> settings = minimal();
        assertThat(AnalyzerConfig.from(settings).kafka()).doesNotContainKey("commit.interval.ms");
        settings.put("processing.guarantee", "at_least_once");
        assertThat(AnalyzerConfig.from(settings).kafka()).containsEntry("commit.interval.ms", "1000");
        settings.put("commit.interval.ms", "5000");
        assertThat(AnalyzerConfig.from(settings).kafka()).containsEntry("commit.interval.ms", "5000");
    }

    @Test
    void shouldRunAStreamThreadPerCoreUnlessToldOtherwise() {
        Map<String, String> settings = minimal();
        assertThat(AnalyzerConfig.from(settings).kafka())
            .containsEntry("num.stream.threads", String.valueOf(Runtime.getRuntime().availableProcessors()));
        settings.put("num.stream.threads", "1");
        assertThat(AnalyzerConfig.from(settings).kafka()).containsEntry("num.stream.threads", "1");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "analyzer.window.size.ms|500|analyzer.window.size.ms=500 is invalid: a whole number in [1000, 86400000]",
        "analyzer.window.size.ms|1m|analyzer.window.size.ms=1m is invalid: a whole number in [1000, 86400000]",
        "analyzer.window.grace.ms|90000|analyzer.window.grace.ms=90000 is invalid: a whole number in [0, 60000]",
        "analyzer.topic.requests|bad topic!|analyzer.topic.requests=bad topic! is invalid: a Kafka topic name: 1 to 249 of [a-zA-Z0-9._-]",
        "analyzer.topics.partitions|0|analyzer.topics.partitions=0 is invalid: a whole number in [1, 10000]",
        "analyzer.topics.create|maybe|analyzer.topics.create=maybe is invalid: true or false",
        "analyzer.window.sise.ms|1000|analyzer.window.sise.ms=1000 is invalid: unknown analyzer setting; known ones are [",
        "processing.guarantee|exactly_once|processing.guarantee=exactly_once is invalid: one of [at_least_once, exactly_once_v2]",
        "schema.registry.url|ftp://x|Invalid value ftp://x for configuration schema.registry.url",
        "analyzer.topic.logs|telemetry.requests|analyzer.topic.*=",
        "analyzer.rule.high-error-rate.threshold|1.5|analyzer.rule.high-error-rate.threshold=1.5 is invalid: a number in [0.0, 1.0]",
        "analyzer.rule.log.min-count|0|analyzer.rule.log.min-count=0 is invalid: a whole number in [1, 1000000]",
        "analyzer.service.payments.high-error-rate.treshold|0.2|analyzer.service.payments.high-error-rate.treshold=0.2 is invalid: a per-service rule override",
        "analyzer.service.payments.cpu-overload.threshold|high|analyzer.service.payments.cpu-overload.threshold=high is invalid: a number in [0.0, 1.0]",
        "analyzer.rocksdb.memory.bytes|1024|analyzer.rocksdb.memory.bytes=1024 is invalid: a whole number in [16777216, 68719476736]",
        "analyzer.state.write-behind.max-keys|0|analyzer.state.write-behind.max-keys=0 is invalid: a whole number in [1, 10000000]",
        "analyzer.templates.cached-services|50|analyzer.templates.cached-services=50 is invalid: a whole number in [100, 10000000]",
    })
    void shouldNameTheKeyValueAndAcceptedRangeOfABadSetting(String key, String value, String message) {
        Map<String, String> settings = minimal();
        settings.put(key, value);
        assertThatThrownBy(() -> AnalyzerConfig.from(settings)).hasMessageStartingWith(message);
    }

    @Test
    void shouldApplyPerServiceOverridesOverTheDefaults() {
        Map<String, String> settings = minimal();
        settings.put("analyzer.rule.high-error-rate.threshold", "0.05");
        settings.put("analyzer.service.payments.high-error-rate.threshold", "0.25");
        settings.put("analyzer.service.search.low-throughput.floor", "1000");
        AnalyzerConfig config = AnalyzerConfig.from(settings);
        assertThat(config.healthRulesFor("payments").errorRate()).isEqualTo(0.25);
        assertThat(config.healthRulesFor("search").errorRate()).isEqualTo(0.05);
        assertThat(config.healthRulesFor("search").lowThroughputFloor()).isEqualTo(1000);
        assertThat(config.healthRulesFor("checkout").errorRate()).isEqualTo(0.05);
        assertThat(config.healthRulesFor("checkout").lowThroughputFloor()).isEqualTo(1.0);
    }

    @Test
    void shouldRouteBadInputAndBoundRocksDbThroughKafkaSettings() {
        AnalyzerConfig config = AnalyzerConfig.from(minimal());
        assertThat(config.kafka())
            .containsEntry("errors.dead.letter.queue.topic.name", "faultline.dead-letters")
            .containsEntry("deserialization.exception.handler", "dev.faultline.topology.errors.DeadLetterHandlers$Deserialization")
            .containsEntry("processing.exception.handler", "dev.faultline.topology.errors.DeadLetterHandlers$Processing")
            .containsEntry("production.exception.handler", "dev.faultline.topology.errors.DeadLetterHandlers$Production")
            .containsEntry("rocksdb.config.setter", "dev.faultline.topology.BoundedRocksDbConfig")
            .containsEntry("faultline.rocksdb.memory.bytes", String.valueOf(256L << 20));
    }

    @Test
    void shouldRefuseARulesFileThatIsNotAValidRuleSet(@TempDir Path dir) throws IOException {
        Path rules = dir.resolve("rules.json");
        Files.writeString(rules, "{\"rules\":[{\"id\":\"x\",\"kind\":\"NOPE\",\"severity\":\"LOW\",\"pattern\":\"y\"}]}");
        Map<String, String> settings = minimal();
        settings.put("analyzer.rules.file", rules.toString());
        assertThatThrownBy(() -> AnalyzerConfig.from(settings))
            .hasMessageStartingWith("analyzer.rules.file=" + rules + " is invalid: invalid rule set: rule 'x': kind 'NOPE'");
    }

    @Test
    void shouldReadTheBearerTokenFromAFileAndRefuseAmbiguity(@TempDir Path dir) throws IOException {
        Path token = dir.resolve("token");
        Files.writeString(token, "  t0ken\n");
        Map<String, String> settings = minimal();
        settings.put("analyzer.http.auth.token-file", token.toString());
        assertThat(AnalyzerConfig.from(settings).http().token()).contains("t0ken");

        settings.put("analyzer.http.auth.token", "other");
        assertThatThrownBy(() -> AnalyzerConfig.from(settings))
            .hasMessage("analyzer.http.auth.token-file=" + token + " is invalid: either a token or a token file, not both");

        Map<String, String> missing = minimal();
        missing.put("analyzer.http.auth.token-file", dir.resolve("absent").toString());
        assertThatThrownBy(() -> AnalyzerConfig.from(missing)).hasMessageContaining("a readable file holding the bearer token");

        Map<String, String> keystore = minimal();
        keystore.put("analyzer.http.tls.keystore.location", dir.resolve("absent.p12").toString());
        assertThatThrownBy(() -> AnalyzerConfig.from(keystore)).hasMessageEndingWith("is invalid: a readable keystore file");
    }

    @Test
    void shouldReadTemplateMasksFromAFileAndNameABadLine(@TempDir Path dir) throws IOException {
        Path masks = dir.resolve("masks.txt");
        Files.writeString(masks, "# order ids before numbers\norder ORD-\\d+\nnumber \\d+\n");
        Map<String, String> settings = minimal();
        settings.put("analyzer.templates.masks-file", masks.toString());
        assertThat(AnalyzerConfig.from(settings).templates().masks()).extracting(m -> m.name()).containsExactly("order", "number");

        Files.writeString(masks, "ok \\d+\nbroken (unclosed\n");
        assertThatThrownBy(() -> AnalyzerConfig.from(settings))
            .hasMessageStartingWith("analyzer.templates.masks-file=" + masks + " is invalid: line 2 must be 'name regex'");
    }

    @Test
    void shouldRequireTheClusterAndRegistry() {
        assertThatThrownBy(() -> AnalyzerConfig.from(Map.of("schema.registry.url", "http://r:8081")))
            .isInstanceOf(InvalidConfigException.class)
            .hasMessageStartingWith("bootstrap.servers=(missing) is invalid")
            .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void shouldLetTheEnvironmentOverrideTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("analyzer.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\nschema.registry.url=http://file:8081\nanalyzer.window.size.ms=30000\n");

        AnalyzerConfig config = ConfigLoader.load(Optional.of(file), Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "env:9092",
            "ANALYZER_TOPIC_FAULT_EVENTS", "alerts.faults",
            "PATH", "/usr/bin"));

        assertThat(config.kafka()).containsEntry("bootstrap.servers", "env:9092").containsEntry("schema.registry.url", "http://file:8081");
        assertThat(config.topics().faultEvents()).isEqualTo("alerts.faults");
        assertThat(config.windowSize()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shouldReportAnUnknownAnalyzerVariableByItsName() {
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:9092", "KAFKA_SCHEMA_REGISTRY_URL", "http://r:8081",
            "ANALYZER_WINDOW_SIZE", "60000");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), env))
            .hasMessageStartingWith("analyzer.window_size (from $ANALYZER_WINDOW_SIZE)=60000 is invalid: unknown analyzer setting");
    }

    @Test
    void shouldReportAnUnreadableFile(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(dir.resolve("nope.properties")), Map.of()))
            .hasMessageStartingWith("--config=" + dir.resolve("nope.properties") + " is invalid: a readable properties file");
    }
}
