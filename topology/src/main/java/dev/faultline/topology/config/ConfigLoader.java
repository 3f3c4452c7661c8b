package dev.faultline.topology.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads settings from a properties file, then lets the environment override them:
 * {@code ANALYZER_WINDOW_SIZE_MS} sets {@code analyzer.window.size.ms} (dots and dashes
 * become underscores), and {@code KAFKA_BOOTSTRAP_SERVERS} sets {@code bootstrap.servers}
 * (any Kafka or serde setting: the prefix goes, underscores become dots).
 */
public final class ConfigLoader {
    private static final String ANALYZER_ENV = "ANALYZER_";
    private static final String KAFKA_ENV = "KAFKA_";

    private ConfigLoader() {
    }

    public static AnalyzerConfig load(Optional<Path> file, Map<String, String> environment) {
        return AnalyzerConfig.from(settings(file, environment));
    }

    /** As {@link #load(Optional, Map)}, then {@code overrides} (command-line options) over both. */
    public static AnalyzerConfig load(Optional<Path> file, Map<String, String> environment, Map<String, String> overrides) {
        Map<String, String> settings = settings(file, environment);
        settings.putAll(overrides);
        return AnalyzerConfig.from(settings);
    }

    public static Map<String, String> settings(Optional<Path> file, Map<String, String> environment) {
        Map<String, String> settings = new HashMap<>();
        file.ifPresent(path -> settings.putAll(read(path)));
        environment.forEach((name, value) -> {
            if (name.startsWith(ANALYZER_ENV)) {
                settings.put(analyzerKey(name), value);
            } else if (name.startsWith(KAFKA_ENV)) {
                settings.put(name.substring(KAFKA_ENV.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return settings;
    }

    private static String analyzerKey(String envName) {
        return AnalyzerConfig.DEFAULTS.keySet().stream()
            .filter(key -> key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_').equals(envName))
            .findFirst()
            // Unknown: keep a key that names the variable, so validation reports it.
            .orElse("analyzer." + envName.substring(ANALYZER_ENV.length()).toLowerCase(Locale.ROOT) + " (from $" + envName + ")");
    }

    private static Map<String, String> read(Path path) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new InvalidConfigException("--config", path, "a readable properties file (" + e.getMessage() + ")");
        }
        Map<String, String> settings = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name)));
        return settings;
    }
}
