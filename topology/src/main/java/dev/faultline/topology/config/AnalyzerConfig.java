package dev.faultline.topology.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.apache.kafka.streams.StreamsConfig;

import dev.faultline.serde.SerdeConfig;
import dev.faultline.topology.BoundedRocksDbConfig;
import dev.faultline.topology.domain.HealthRules;
import dev.faultline.topology.domain.RuleSet;
import dev.faultline.topology.domain.templates.MinerSettings;
import dev.faultline.topology.errors.DeadLetterHandlers;

/**
 * The analyzer's typed configuration. Keys under {@code analyzer.} are ours and validated
 * here; every other key is a Kafka Streams, Kafka client or serde setting under its
 * standard name and passes through unchanged. Built by {@link #from(Map)}, which fails on
 * the first bad value with a message naming the key, the value and the accepted range, and
 * on unknown {@code analyzer.} keys, so a typo cannot silently fall back to a default.
 */
public record AnalyzerConfig(
    TopicNames topics,
    boolean createTopics,
    int topicPartitions,
    InputPartitioning inputPartitioning,
    short topicReplicationFactor,
    Duration windowSize,
    Duration windowGrace,
    RuleSet classificationRules,
    HealthRules healthRules,
    Map<String, HealthRules> serviceHealthRules,
    int writeBehindMaxKeys,
    Duration livenessCheckInterval,
    Duration livenessReplayLag,
    Duration maxFutureSkew,
    Duration queryHistory,
    MinerSettings templates,
    Duration templateLearningPeriod,
    int templateCachedServices,
    HttpSettings http,
    AlertmanagerSettings alertmanager,
    Map<String, Object> kafka) {

    public static final String TOPIC_REQUESTS = "analyzer.topic.requests";
    public static final String TOPIC_METRICS = "analyzer.topic.metrics";
    public static final String TOPIC_LOGS = "analyzer.topic.logs";
    public static final String TOPIC_FAULT_EVENTS = "analyzer.topic.fault-events";
    public static final String TOPIC_DEGRADATION_CHANGES = "analyzer.topic.degradation-changes";
    public static final String TOPIC_WINDOW_STATS = "analyzer.topic.window-stats";
    public static final String TOPIC_CLASSIFIED_LOGS = "analyzer.topic.classified-logs";
    public static final String TOPIC_DEAD_LETTERS = "analyzer.topic.dead-letters";
    public static final String TOPICS_CREATE = "analyzer.topics.create";
    public static final String TOPICS_PARTITIONS = "analyzer.topics.partitions";
    public static final String INPUT_KEYED_BY_SERVICE = "analyzer.input.keyed-by-service";
    public static final String TOPICS_REPLICATION_FACTOR = "analyzer.topics.replication-factor";
    public static final String WINDOW_SIZE_MS = "analyzer.window.size.ms";
    public static final String WINDOW_GRACE_MS = "analyzer.window.grace.ms";
    public static final String TOPIC_RULES = "analyzer.topic.rules";
    public static final String RULES_FILE = "analyzer.rules.file";
    public static final String LIVENESS_CHECK_INTERVAL_MS = "analyzer.liveness.check-interval.ms";
    public static final String LIVENESS_REPLAY_LAG_MS = "analyzer.liveness.replay-lag.ms";
    public static final String MAX_FUTURE_SKEW_MS = "analyzer.input.max-future-skew.ms";
    public static final String ROCKSDB_MEMORY_BYTES = "analyzer.rocksdb.memory.bytes";
    public static final String WRITE_BEHIND_MAX_KEYS = "analyzer.state.write-behind.max-keys";
    public static final String QUERY_HISTORY_MS = "analyzer.query.history.ms";
    public static final String TEMPLATES_LEARNING_MS = "analyzer.templates.learning-period.ms";
    public static final String TEMPLATES_MAX = "analyzer.templates.max-per-service";
    public static final String TEMPLATES_SIMILARITY = "analyzer.templates.similarity";
    public static final String TEMPLATES_MASKS_FILE = "analyzer.templates.masks-file";
    public static final String TEMPLATES_CACHED_SERVICES = "analyzer.templates.cached-services";
    private static final int TEMPLATE_TREES_MIN = 100;
    private static final int TEMPLATE_TREES_MAX = 10_000_000;
    public static final String HTTP_PORT = "analyzer.http.port";
    public static final String HTTP_BIND = "analyzer.http.bind";
    public static final String HTTP_ADVERTISED_HOST = "analyzer.http.advertised-host";
    public static final String HTTP_MAX_RESULTS = "analyzer.http.max-results";
    public static final String HTTP_MAX_RANGE_MS = "analyzer.http.max-range.ms";
    public static final String HTTP_TOKEN = "analyzer.http.auth.token";
    public static final String HTTP_TOKEN_FILE = "analyzer.http.auth.token-file";
    public static final String HTTP_TLS_KEYSTORE = "analyzer.http.tls.keystore.location";
    public static final String HTTP_TLS_KEYSTORE_PASSWORD = "analyzer.http.tls.keystore.password";
    public static final String HTTP_TLS_KEYSTORE_TYPE = "analyzer.http.tls.keystore.type";
    /** Per-service overrides: {@code analyzer.service.<service>.<rule key without "analyzer.rule.">}. */
    public static final String ALERTMANAGER_URLS = "analyzer.alertmanager.urls";
    public static final String ALERTMANAGER_RESEND_MS = "analyzer.alertmanager.resend-interval.ms";
    public static final String ALERTMANAGER_LOOKBACK_MS = "analyzer.alertmanager.lookback.ms";
    public static final String ALERTMANAGER_TIMEOUT_MS = "analyzer.alertmanager.timeout.ms";
    public static final String SERVICE_PREFIX = "analyzer.service.";
    public static final String RULE_PREFIX = "analyzer.rule.";

    /** Every analyzer key with its default; the README's configuration table lists the same. */
    public static final Map<String, String> DEFAULTS = defaults();

    /** Kafka settings the analyzer sets unless the configuration does. */
    public static final Map<String, String> KAFKA_DEFAULTS = Map.of(
        StreamsConfig.APPLICATION_ID_CONFIG, "faultline",
        StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2,
        // The rules topic's global processing gets the same dead-letter handling as the rest.
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true",
        // Renaming a store or internal topic breaks upgrades, so every one must be named.
        StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");

    /** {@code commit.interval.ms} unless set, with at-least-once only. */
    public static final String AT_LEAST_ONCE_COMMIT_INTERVAL_MS = "1000";

    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Set<String> GUARANTEES = Set.of(StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2);

    /** What a service's template tree takes in memory, about: 5.2 KB measured with a few templates per service. */
    static final long TEMPLATE_TREE_BYTES = 5 * 1024;

    /**
     * The default of {@link #TEMPLATES_CACHED_SERVICES}: as many trees as a fifth of the heap holds, within the setting's
     * range. A 1 GiB heap keeps about 42,000, what 4 tasks kept at 10,000 each before the bound was the instance's.
     */
    static int templateTreesFittingInAFifthOf(long maxHeapBytes) {
        return (int) Math.max(TEMPLATE_TREES_MIN, Math.min(TEMPLATE_TREES_MAX, maxHeapBytes / 5 / TEMPLATE_TREE_BYTES));
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(TOPIC_REQUESTS, "telemetry.requests");
        d.put(TOPIC_METRICS, "telemetry.metrics");
        d.put(TOPIC_LOGS, "telemetry.logs");
        d.put(TOPIC_FAULT_EVENTS, "faultline.fault-events");
        d.put(TOPIC_DEGRADATION_CHANGES, "faultline.degradation-changes");
        d.put(TOPIC_WINDOW_STATS, "faultline.window-stats");
        d.put(TOPIC_CLASSIFIED_LOGS, "faultline.classified-logs");
        d.put(TOPIC_DEAD_LETTERS, "faultline.dead-letters");
        d.put(TOPICS_CREATE, "true");
        d.put(TOPICS_PARTITIONS, "6");
        d.put(INPUT_KEYED_BY_SERVICE, InputPartitioning.AUTO.setting());
        d.put(TOPICS_REPLICATION_FACTOR, "-1");
        d.put(WINDOW_SIZE_MS, "60000");
        d.put(WINDOW_GRACE_MS, "10000");
        d.put(TOPIC_RULES, "faultline.rules");
        d.put(RULES_FILE, "");
        d.put(LIVENESS_CHECK_INTERVAL_MS, "5000");
        d.put(LIVENESS_REPLAY_LAG_MS, "300000");
        d.put(MAX_FUTURE_SKEW_MS, "3600000");
        d.put(ROCKSDB_MEMORY_BYTES, String.valueOf(256L << 20));
        d.put(WRITE_BEHIND_MAX_KEYS, "10000");
        d.put(QUERY_HISTORY_MS, String.valueOf(Duration.ofHours(24).toMillis()));
        d.put(TEMPLATES_LEARNING_MS, String.valueOf(Duration.ofMinutes(10).toMillis()));
        d.put(TEMPLATES_MAX, "1000");
        d.put(TEMPLATES_SIMILARITY, "0.5");
        d.put(TEMPLATES_MASKS_FILE, "");
        d.put(TEMPLATES_CACHED_SERVICES, String.valueOf(templateTreesFittingInAFifthOf(Runtime.getRuntime().maxMemory())));
        d.put(HTTP_PORT, "8080");
        d.put(HTTP_BIND, "0.0.0.0");
        d.put(HTTP_ADVERTISED_HOST, "");
        d.put(HTTP_MAX_RESULTS, "1000");
        d.put(HTTP_MAX_RANGE_MS, String.valueOf(Duration.ofDays(7).toMillis()));
        d.put(HTTP_TOKEN, "");
        d.put(HTTP_TOKEN_FILE, "");
        d.put(HTTP_TLS_KEYSTORE, "");
        d.put(HTTP_TLS_KEYSTORE_PASSWORD, "");
        d.put(HTTP_TLS_KEYSTORE_TYPE, "PKCS12");
        d.put(ALERTMANAGER_URLS, "");
        d.put(ALERTMANAGER_RESEND_MS, "60000");
        d.put(ALERTMANAGER_LOOKBACK_MS, String.valueOf(Duration.ofDays(1).toMillis()));
        d.put(ALERTMANAGER_TIMEOUT_MS, "10000");
        d.putAll(HealthRulesConfig.DEFAULTS);
        return Map.copyOf(d);
    }

    public static AnalyzerConfig from(Map<String, String> settings) {
        Set<String> unknown = new TreeSet<>();
        for (String key : settings.keySet()) {
            if (key.startsWith(SERVICE_PREFIX)) {
                if (HealthRulesConfig.serviceOverride(key).isEmpty()) {
                    throw new InvalidConfigException(key, settings.get(key), "a per-service rule override: " + SERVICE_PREFIX
                        + "<service>.<one of " + new TreeSet<>(HealthRulesConfig.SUFFIXES) + ">");
                }
            } else if (key.startsWith("analyzer.") && !DEFAULTS.containsKey(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            String key = unknown.iterator().next();
            throw new InvalidConfigException(key, settings.get(key), "unknown analyzer setting; known ones are " + new TreeSet<>(DEFAULTS.keySet()));
        }
        Function<String, String> get = key -> settings.getOrDefault(key, DEFAULTS.get(key)).trim();

        TopicNames topics = new TopicNames(
            topic(get, TOPIC_REQUESTS), topic(get, TOPIC_METRICS), topic(get, TOPIC_LOGS),
            topic(get, TOPIC_FAULT_EVENTS), topic(get, TOPIC_DEGRADATION_CHANGES), topic(get, TOPIC_WINDOW_STATS),
            topic(get, TOPIC_CLASSIFIED_LOGS), topic(get, TOPIC_DEAD_LETTERS), topic(get, TOPIC_RULES));
        List<String> all = new java.util.ArrayList<>(topics.inputs());
        all.addAll(topics.outputs());
        all.add(topics.rules());
        if (new java.util.HashSet<>(all).size() != all.size()) {
            throw new InvalidConfigException("analyzer.topic.*", all, "every topic must have its own name");
        }
        Duration size = Duration.ofMillis(number(get, WINDOW_SIZE_MS, 1_000, 86_400_000));
        Duration grace = Duration.ofMillis(number(get, WINDOW_GRACE_MS, 0, size.toMillis()));

        RuleSet ruleSet = ruleSet(get.apply(RULES_FILE));
        HealthRules healthRules = HealthRulesConfig.rules(get, size, ruleSet);
        Map<String, HealthRules> serviceRules = new java.util.TreeMap<>();
        for (String service : HealthRulesConfig.services(settings.keySet())) {
            try {
                serviceRules.put(service, HealthRulesConfig.rules(
                    key -> settings.getOrDefault(HealthRulesConfig.serviceKey(service, key), get.apply(key)).trim(), size, ruleSet));
            } catch (InvalidConfigException e) {
                String key = HealthRulesConfig.serviceKey(service, e.key());
                throw new InvalidConfigException(key, settings.get(key), e.accepted());
            }
        }

        Map<String, Object> kafka = new HashMap<>(KAFKA_DEFAULTS);
        kafka.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetters());
        kafka.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Deserialization.class.getName());
        kafka.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Processing.class.getName());
        kafka.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Production.class.getName());
        kafka.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class.getName());
        kafka.put(BoundedRocksDbConfig.MEMORY_BYTES_CONFIG, String.valueOf(number(get, ROCKSDB_MEMORY_BYTES, 16L << 20, 64L << 30)));
        settings.forEach((key, value) -> {
            if (!key.startsWith("analyzer.")) {
                kafka.put(key, value.trim());
            }
        });
        requireKafka(kafka, StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "host:port[,host:port...] of the Kafka cluster");
        requireKafka(kafka, SerdeConfig.SCHEMA_REGISTRY_URL, "URL(s) of a Confluent-compatible schema registry");
        String guarantee = kafka.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG).toString();
        if (!GUARANTEES.contains(guarantee)) {
            throw new InvalidConfigException(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee, "one of " + new TreeSet<>(GUARANTEES));
        }
        // Kafka Streams commits at-least-once work every 30 s by default: a crash then reprocesses up to 30 s of
        // input, and each commit writes all the state changed since the last in one stall (with the record cache
        // this halved the load benchmark's rate with 100,000 services). Exactly-once keeps its own default (100 ms).
        if (guarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
            kafka.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, AT_LEAST_ONCE_COMMIT_INTERVAL_MS);
        }
        // Kafka Streams runs one stream thread unless told otherwise, which leaves every other core idle while the
        // repartition's two stages take turns on one thread (with 100,000 services, 30 to 65 % more in the load
        // benchmark on two cores; see bench/HISTORY.md).
        kafka.putIfAbsent(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(Runtime.getRuntime().availableProcessors()));
        SerdeConfig.from(kafka);

        return new AnalyzerConfig(topics, bool(get, TOPICS_CREATE),
            (int) number(get, TOPICS_PARTITIONS, 1, 10_000), InputPartitioning.parse(INPUT_KEYED_BY_SERVICE, get.apply(INPUT_KEYED_BY_SERVICE)),
            (short) number(get, TOPICS_REPLICATION_FACTOR, -1, Short.MAX_VALUE),
            size, grace, ruleSet, healthRules, Map.copyOf(serviceRules),
            (int) number(get, WRITE_BEHIND_MAX_KEYS, 1, 10_000_000),
            Duration.ofMillis(number(get, LIVENESS_CHECK_INTERVAL_MS, 100, 600_000)),
            Duration.ofMillis(number(get, LIVENESS_REPLAY_LAG_MS, 1_000, 86_400_000L * 365)),
            Duration.ofMillis(number(get, MAX_FUTURE_SKEW_MS, 0, 86_400_000L * 365)),
            Duration.ofMillis(number(get, QUERY_HISTORY_MS, 60_000, 86_400_000L * 90)),
            templates(get),
            Duration.ofMillis(number(get, TEMPLATES_LEARNING_MS, 0, 86_400_000L * 30)),
            (int) number(get, TEMPLATES_CACHED_SERVICES, TEMPLATE_TREES_MIN, TEMPLATE_TREES_MAX),
            HttpSettings.from(get),
            AlertmanagerSettings.from(get),
            Map.copyOf(kafka));
    }

    private static MinerSettings templates(Function<String, String> get) {
        MinerSettings d = MinerSettings.DEFAULT;
        String text = get.apply(TEMPLATES_SIMILARITY);
        double similarity;
        try {
            similarity = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            similarity = -1;
        }
        if (!(similarity > 0 && similarity <= 1)) {
            throw new InvalidConfigException(TEMPLATES_SIMILARITY, text, "a number in (0, 1]");
        }
        return new MinerSettings(d.depth(), similarity, d.maxChildren(), (int) number(get, TEMPLATES_MAX, 10, 100_000),
            masks(get.apply(TEMPLATES_MASKS_FILE), d.masks()));
    }

    /** Masks from a file of "name regex" lines (blank lines and # comments skipped), in order; the defaults without one. */
    private static java.util.List<MinerSettings.Mask> masks(String file, java.util.List<MinerSettings.Mask> defaults) {
        if (file.isEmpty()) {
            return defaults;
        }
        java.util.List<String> lines;
        try {
            lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(file));
        } catch (java.io.IOException e) {
            throw new InvalidConfigException(TEMPLATES_MASKS_FILE, file, "a readable file of 'name regex' lines (" + e + ")");
        }
        java.util.List<MinerSettings.Mask> masks = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            try {
                if (parts.length < 2) {
                    throw new java.util.regex.PatternSyntaxException("missing", line, 0);
                }
                masks.add(MinerSettings.Mask.of(parts[0], parts[1]));
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new InvalidConfigException(TEMPLATES_MASKS_FILE, file, "line " + (i + 1) + " must be 'name regex' with a valid "
                    + "Java regular expression (" + e.getDescription() + ")");
            }
        }
        if (masks.isEmpty()) {
            throw new InvalidConfigException(TEMPLATES_MASKS_FILE, file, "at least one 'name regex' line");
        }
        return masks;
    }

    /** The thresholds for a service: its overrides over the defaults. */
    public HealthRules healthRulesFor(String service) {
        return serviceHealthRules.getOrDefault(service, healthRules);
    }

    private static RuleSet ruleSet(String file) {
        if (file.isEmpty()) {
            return RuleSet.defaults();
        }
        try {
            return RuleSet.parse(java.nio.file.Files.readString(java.nio.file.Path.of(file)));
        } catch (java.io.IOException e) {
            throw new InvalidConfigException(RULES_FILE, file, "a readable rules file (" + e + ")");
        } catch (RuleSet.InvalidRuleSetException e) {
            throw new InvalidConfigException(RULES_FILE, file, e.getMessage());
        }
    }

    /**
     * The application's Kafka settings that a plain client knows ({@code names}: a client's
     * {@code configNames()}), without group or transactional id, for the clients the analyzer
     * and its tools run beside Kafka Streams.
     */
    public Map<String, Object> clientSettings(Set<String> names) {
        Map<String, Object> settings = new HashMap<>();
        kafka.forEach((key, value) -> {
            if (names.contains(key) && !key.equals("group.id") && !key.equals("transactional.id")) {
                settings.put(key, value);
            }
        });
        return settings;
    }

    public String applicationId() {
        return kafka.get(StreamsConfig.APPLICATION_ID_CONFIG).toString();
    }

    private static void requireKafka(Map<String, Object> kafka, String key, String accepted) {
        Object value = kafka.get(key);
        if (value == null || value.toString().isBlank()) {
            throw InvalidConfigException.missing(key, accepted + " (set " + key + " in the config file or "
                + "KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_') + " in the environment)");
        }
    }

    private static String topic(Function<String, String> get, String key) {
        String name = get.apply(key);
        if (!TOPIC_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new InvalidConfigException(key, name, "a Kafka topic name: 1 to 249 of [a-zA-Z0-9._-]");
        }
        return name;
    }

    /** Where the query API listens and what it allows. */
    public record HttpSettings(String bind, int port, String advertisedHost, int maxResults, Duration maxRange,
                               java.util.Optional<String> token, java.util.Optional<java.nio.file.Path> keystore,
                               String keystorePassword, String keystoreType) {
        static HttpSettings from(Function<String, String> get) {
            java.util.Optional<String> token = java.util.Optional.of(get.apply(HTTP_TOKEN)).filter(t -> !t.isEmpty());
            String tokenFile = get.apply(HTTP_TOKEN_FILE);
            if (!tokenFile.isEmpty()) {
                if (token.isPresent()) {
                    throw new InvalidConfigException(HTTP_TOKEN_FILE, tokenFile, "either a token or a token file, not both");
                }
                try {
                    token = java.util.Optional.of(java.nio.file.Files.readString(java.nio.file.Path.of(tokenFile)).strip())
                        .filter(t -> !t.isEmpty());
                } catch (java.io.IOException e) {
                    throw new InvalidConfigException(HTTP_TOKEN_FILE, tokenFile, "a readable file holding the bearer token (" + e + ")");
                }
                if (token.isEmpty()) {
                    throw new InvalidConfigException(HTTP_TOKEN_FILE, tokenFile, "a file holding a non-empty bearer token");
                }
            }
            String keystore = get.apply(HTTP_TLS_KEYSTORE);
            if (!keystore.isEmpty() && !java.nio.file.Files.isReadable(java.nio.file.Path.of(keystore))) {
                throw new InvalidConfigException(HTTP_TLS_KEYSTORE, keystore, "a readable keystore file");
            }
            String advertised = get.apply(HTTP_ADVERTISED_HOST);
            if (advertised.isEmpty()) {
                try {
                    advertised = java.net.InetAddress.getLocalHost().getHostName();
                } catch (java.net.UnknownHostException e) {
                    advertised = "localhost";
                }
            }
            return new HttpSettings(get.apply(HTTP_BIND), (int) number(get, HTTP_PORT, 0, 65_535), advertised,
                (int) number(get, HTTP_MAX_RESULTS, 1, 100_000), Duration.ofMillis(number(get, HTTP_MAX_RANGE_MS, 1_000, 86_400_000L * 90)),
                token, keystore.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(java.nio.file.Path.of(keystore)),
                get.apply(HTTP_TLS_KEYSTORE_PASSWORD), get.apply(HTTP_TLS_KEYSTORE_TYPE));
        }
    }

    /** Where fault events are forwarded as alerts; no URLs, no forwarding. */
    public record AlertmanagerSettings(List<java.net.URI> urls, Duration resendInterval, Duration lookback, Duration timeout) {
        static AlertmanagerSettings from(Function<String, String> get) {
            List<java.net.URI> urls = new java.util.ArrayList<>();
            String text = get.apply(ALERTMANAGER_URLS);
            for (String url : text.isEmpty() ? new String[0] : text.split(",")) {
                try {
                    java.net.URI uri = new java.net.URI(url.strip());
                    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                        throw new java.net.URISyntaxException(url, "not an http(s) URL with a host");
                    }
                    urls.add(uri);
                } catch (java.net.URISyntaxException e) {
                    throw new InvalidConfigException(ALERTMANAGER_URLS, text, "comma-separated http(s)://host:port base URLs of Alertmanager peers");
                }
            }
            return new AlertmanagerSettings(List.copyOf(urls),
                Duration.ofMillis(number(get, ALERTMANAGER_RESEND_MS, 1_000, 3_600_000)),
                Duration.ofMillis(number(get, ALERTMANAGER_LOOKBACK_MS, 0, 86_400_000L * 30)),
                Duration.ofMillis(number(get, ALERTMANAGER_TIMEOUT_MS, 100, 600_000)));
        }

        public boolean enabled() {
            return !urls.isEmpty();
        }
    }

    static long number(Function<String, String> get, String key, long min, long max) {
        String text = get.apply(key);
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted range
        }
        throw new InvalidConfigException(key, text, "a whole number in [" + min + ", " + max + "]");
    }

    private static boolean bool(Function<String, String> get, String key) {
        String text = get.apply(key).toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidConfigException(key, text, "true or false");
        };
    }
}
