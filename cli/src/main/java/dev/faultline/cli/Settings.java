package dev.faultline.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.faultline.topology.config.AnalyzerConfig;
import dev.faultline.topology.config.ConfigLoader;
import picocli.CommandLine.Option;

/**
 * The options every Kafka-facing command shares: the analyzer's configuration file (topic
 * names, Kafka and registry settings; environment overrides as for {@code run}) and the two
 * settings one most often gives on the command line.
 */
final class Settings {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "Analyzer configuration (properties). ANALYZER_* and KAFKA_* environment variables override it.")
    Path config;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (bootstrap.servers).")
    String bootstrapServers;

    @Option(names = {"-r", "--schema-registry-url"}, paramLabel = "URL", description = "Schema registry URL(s) (schema.registry.url).")
    String schemaRegistryUrl;

    AnalyzerConfig load() {
        return load(Map.of());
    }

    AnalyzerConfig load(Map<String, String> more) {
        Map<String, String> overrides = new HashMap<>(more);
        if (bootstrapServers != null) {
            overrides.put("bootstrap.servers", bootstrapServers);
        }
        if (schemaRegistryUrl != null) {
            overrides.put("schema.registry.url", schemaRegistryUrl);
        }
        return ConfigLoader.load(Optional.ofNullable(config), System.getenv(), overrides);
    }
}
