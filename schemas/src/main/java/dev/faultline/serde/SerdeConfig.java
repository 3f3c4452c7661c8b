package dev.faultline.serde;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.ConfigException;

/**
 * Serde and registry-client settings under the names Confluent's serdes use, so a
 * configuration written for them works unchanged. Parsed and validated once; a bad value
 * fails with a {@link ConfigException} naming the key, the value and what is accepted.
 */
public record SerdeConfig(
    List<String> registryUrls,
    Optional<String> userInfo,
    boolean autoRegisterSchemas,
    SubjectNameStrategy keySubjectNameStrategy,
    SubjectNameStrategy valueSubjectNameStrategy,
    int maxRetries,
    long retriesWaitMs,
    long retriesMaxWaitMs,
    int connectTimeoutMs,
    int readTimeoutMs,
    TlsSettings tls) {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String PREFIXED_BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
    public static final String HTTP_CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String HTTP_READ_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String SSL_PREFIX = "schema.registry.ssl.";

    /** Settings for an HTTPS registry; empty locations mean the JVM's defaults. */
    public record TlsSettings(
        Optional<String> truststoreLocation, Optional<String> truststorePassword, String truststoreType,
        Optional<String> keystoreLocation, Optional<String> keystorePassword, String keystoreType,
        Optional<String> keyPassword) {

        public boolean isCustom() {
            return truststoreLocation.isPresent() || keystoreLocation.isPresent();
        }
    }

    public static SerdeConfig from(Map<String, ?> configs) {
        Object rawUrl = configs.get(SCHEMA_REGISTRY_URL);
        if (rawUrl == null || rawUrl.toString().isBlank()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, rawUrl,
                "Missing; set it to the registry's URL(s), comma-separated, or mock://<scope> for tests");
        }
        List<String> urls = Arrays.stream(rawUrl.toString().split(","))
            .map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String url : urls) {
            validateUrl(url, urls.size());
        }
        if (bool(configs, USE_LATEST_VERSION, false)) {
            throw new ConfigException(USE_LATEST_VERSION, true,
                "Not supported by this serde; records are always written with their own schema, "
                    + "registered (auto.register.schemas=true) or looked up (false)");
        }
        return new SerdeConfig(
            urls,
            userInfo(configs, urls),
            bool(configs, AUTO_REGISTER_SCHEMAS, true),
            strategy(configs, KEY_SUBJECT_NAME_STRATEGY),
            strategy(configs, VALUE_SUBJECT_NAME_STRATEGY),
            (int) number(configs, MAX_RETRIES, 3, 0, 100),
            number(configs, RETRIES_WAIT_MS, 1_000, 0, 600_000),
            number(configs, RETRIES_MAX_WAIT_MS, 20_000, 0, 3_600_000),
            (int) number(configs, HTTP_CONNECT_TIMEOUT_MS, 60_000, 1, Integer.MAX_VALUE),
            (int) number(configs, HTTP_READ_TIMEOUT_MS, 60_000, 1, Integer.MAX_VALUE),
            new TlsSettings(
                string(configs, SSL_PREFIX + "truststore.location"),
                string(configs, SSL_PREFIX + "truststore.password"),
                string(configs, SSL_PREFIX + "truststore.type").orElse("JKS"),
                string(configs, SSL_PREFIX + "keystore.location"),
                string(configs, SSL_PREFIX + "keystore.password"),
                string(configs, SSL_PREFIX + "keystore.type").orElse("JKS"),
                string(configs, SSL_PREFIX + "key.password")));
    }

    public boolean isMock() {
        return registryUrls.get(0).startsWith(MockSchemaRegistry.URL_PREFIX);
    }

    public String mockScope() {
        return registryUrls.get(0).substring(MockSchemaRegistry.URL_PREFIX.length());
    }

    public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
        return isKey ? keySubjectNameStrategy : valueSubjectNameStrategy;
    }

    private static void validateUrl(String url, int count) {
        if (url.startsWith(MockSchemaRegistry.URL_PREFIX)) {
            if (count > 1 || url.length() == MockSchemaRegistry.URL_PREFIX.length()) {
                throw new ConfigException(SCHEMA_REGISTRY_URL, url, "A mock:// URL must stand alone and name a scope");
            }
            return;
        }
        try {
            URI uri = URI.create(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("scheme and host required");
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url, "Expected http(s)://host[:port] URLs or mock://<scope>");
        }
    }

    private static Optional<String> userInfo(Map<String, ?> configs, List<String> urls) {
        String source = string(configs, BASIC_AUTH_CREDENTIALS_SOURCE).orElse("URL").toUpperCase(Locale.ROOT);
        Optional<String> info = switch (source) {
            case "USER_INFO" -> string(configs, BASIC_AUTH_USER_INFO).or(() -> string(configs, PREFIXED_BASIC_AUTH_USER_INFO));
            case "URL" -> urls.stream().map(u -> u.startsWith("http") ? URI.create(u).getRawUserInfo() : null)
                .filter(u -> u != null).findFirst();
            default -> throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE, source, "Accepted values: URL, USER_INFO");
        };
        info.ifPresent(i -> {
            if (!i.contains(":")) {
                throw new ConfigException(BASIC_AUTH_USER_INFO, "(hidden)", "Expected <username>:<password>");
            }
        });
        return info;
    }

    private static SubjectNameStrategy strategy(Map<String, ?> configs, String key) {
        Optional<String> value = string(configs, key);
        if (value.isEmpty()) {
            return SubjectNameStrategy.TOPIC_NAME;
        }
        SubjectNameStrategy strategy = SubjectNameStrategy.fromConfig(value.get());
        if (strategy == null) {
            throw new ConfigException(key, value.get(),
                "Accepted values: TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy (short or Confluent class names)");
        }
        return strategy;
    }

    private static Optional<String> string(Map<String, ?> configs, String key) {
        Object value = configs.get(key);
        return value == null || value.toString().isBlank() ? Optional.empty() : Optional.of(value.toString().trim());
    }

    private static boolean bool(Map<String, ?> configs, String key, boolean defaultValue) {
        Optional<String> value = string(configs, key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key, value.get(), "Expected true or false");
        };
    }

    private static long number(Map<String, ?> configs, String key, long defaultValue, long min, long max) {
        Optional<String> value = string(configs, key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.get());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value.get(), "Expected a whole number in [" + min + ", " + max + "]");
        }
        if (parsed < min || parsed > max) {
            throw new ConfigException(key, value.get(), "Expected a whole number in [" + min + ", " + max + "]");
        }
        return parsed;
    }
}
