package dev.faultline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.faultline.topology.config.AnalyzerConfig;
import dev.faultline.topology.config.ConfigLoader;

/**
 * No Docker engine or Kubernetes cluster runs here, so the deployment files are checked for
 * what can go wrong without one: they parse, the services, ports, probes and mounts they
 * need are there, and every analyzer setting they give is one the analyzer accepts.
 */
class DeploymentFilesTest {
    private static final Path ROOT = Path.of("..");
    private static final YAMLMapper YAML = new YAMLMapper();

    private static JsonNode yaml(String path) throws Exception {
        return YAML.readTree(ROOT.resolve(path).toFile());
    }

    /** The analyzer's validation over what a container's environment (and config file) gives it. */
    private static AnalyzerConfig analyzerConfig(Optional<Path> file, JsonNode environment) {
        Map<String, String> env = new HashMap<>();
        environment.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return ConfigLoader.load(file, env);
    }

    /** Compose files use anchors and merge keys (<<: *anchor), which SnakeYAML resolves as compose does. */
    private static JsonNode compose() throws Exception {
        Object document = new org.yaml.snakeyaml.Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        return new ObjectMapper().valueToTree(document);
    }

    @Test
    void composeRunsTheWholeStackFromOfficialImages() throws Exception {
        JsonNode services = compose().path("services");
        assertThat(services.fieldNames()).toIterable().containsExactlyInAnyOrder(
            "kafka", "schema-registry", "analyzer-1", "analyzer-2", "generator", "prometheus", "alertmanager", "grafana");
        assertThat(services.path("kafka").path("image").asText()).startsWith("apache/kafka:");
        assertThat(services.path("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        assertThat(services.path("schema-registry").path("image").asText()).startsWith("confluentinc/cp-schema-registry:");
        assertThat(services.path("prometheus").path("image").asText()).startsWith("prom/prometheus:");
        assertThat(services.path("alertmanager").path("image").asText()).startsWith("prom/alertmanager:");
        assertThat(services.path("grafana").path("image").asText()).startsWith("grafana/grafana:");

        Set<String> ports = new TreeSet<>();
        for (String name : List.of("analyzer-1", "analyzer-2")) {
            JsonNode analyzer = services.path(name);
            assertThat(analyzer.path("build").asText()).isEqualTo(".");
            JsonNode env = analyzer.path("environment");
            AnalyzerConfig config = analyzerConfig(Optional.empty(), env);
            assertThat(config.http().advertisedHost()).isEqualTo(name);
            assertThat(config.kafka()).containsEntry("bootstrap.servers", "kafka:9092").containsEntry("num.standby.replicas", "1")
                .containsEntry("schema.registry.url", "http://schema-registry:8081");
            assertThat(config.alertmanager().urls()).extracting(Object::toString).containsExactly("http://alertmanager:9093");
            assertThat(analyzer.path("ports").get(0).asText()).endsWith(":" + config.http().port());
            ports.add(analyzer.path("ports").get(0).asText());
        }
        assertThat(ports).hasSize(2);
        JsonNode generator = services.path("generator");
        assertThat(generator.path("command").get(0).asText()).isEqualTo("generate");
        assertThat(Faultline.commandLine().parseArgs(YAML.convertValue(generator.path("command"), String[].class)).errors()).isEmpty();
        analyzerConfig(Optional.empty(), generator.path("environment"));

        // Every file mounted from the repository exists.
        for (JsonNode service : services) {
            for (JsonNode volume : service.path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith("./")) {
                    assertThat(ROOT.resolve(source)).as(source).exists();
                }
            }
        }
    }

    @Test
    void prometheusScrapesBothAnalyzersAndLoadsTheTestedRules() throws Exception {
        JsonNode prometheus = yaml("ops/prometheus/prometheus.yml");
        JsonNode job = prometheus.path("scrape_configs").get(0);
        assertThat(job.path("job_name").asText()).isEqualTo("faultline");
        assertThat(job.path("static_configs").get(0).path("targets")).extracting(JsonNode::asText)
            .containsExactly("analyzer-1:8080", "analyzer-2:8080");
        assertThat(prometheus.path("rule_files").get(0).asText()).isEqualTo("/etc/prometheus/faultline-rules.yml");
        assertThat(prometheus.path("alerting").toString()).contains("alertmanager:9093");
        assertThat(yaml("ops/alertmanager/alertmanager.yml").path("route").path("receiver").asText()).isEqualTo("default");
    }

    @Test
    void grafanaDashboardQueriesOnlyMetricsTheAnalyzerExports() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(ROOT.resolve("ops/grafana/dashboards/faultline.json").toFile());
        assertThat(dashboard.path("panels")).hasSizeGreaterThanOrEqualTo(6);
        Set<String> exported = Set.of("faultline_service_degradation_level", "faultline_faults_active", "faultline_service_up",
            "faultline_records_in_total", "faultline_dead_letters_total", "faultline_classified_logs_total",
            "faultline_stream_thread_replacements_total", "kafka_consumer_fetch_manager_records_lag_max");
        for (JsonNode panel : dashboard.path("panels")) {
            Matcher metric = Pattern.compile("\\b((?:faultline|kafka)_[a-z_]+)\\b").matcher(panel.path("targets").get(0).path("expr").asText());
            assertThat(metric.find()).isTrue();
            assertThat(exported).as(panel.path("title").asText()).contains(metric.group(1));
        }
        assertThat(yaml("ops/grafana/provisioning/dashboards/faultline.yml").path("providers").get(0).path("options").path("path").asText())
            .isEqualTo("/var/lib/grafana/dashboards");
    }

    @Test
    void kubernetesManifestsWireProbesHeadlessRoutingStandbysAndMemory() throws Exception {
        Map<String, JsonNode> byKind = new HashMap<>();
        List<JsonNode> documents = new ArrayList<>();
        for (String file : List.of("configmap.yaml", "statefulset.yaml", "services.yaml", "pdb.yaml")) {
            try (var parser = new YAMLFactory().createParser(ROOT.resolve("ops/k8s").resolve(file).toFile())) {
                YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
            }
        }
        for (JsonNode doc : documents) {
            assertThat(doc.path("apiVersion").asText()).isNotEmpty();
            byKind.put(doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText(), doc);
        }
        assertThat(byKind).containsKeys("ConfigMap/faultline", "StatefulSet/faultline", "Service/faultline-headless",
            "Service/faultline", "PodDisruptionBudget/faultline");
        assertThat(YAML.readTree(ROOT.resolve("ops/k8s/kustomization.yaml").toFile()).path("resources")).hasSize(4);

        Properties properties = new Properties();
        properties.load(new java.io.StringReader(byKind.get("ConfigMap/faultline").path("data").path("analyzer.properties").asText()));
        Path file = Files.createTempFile("k8s-analyzer", ".properties");
        try (var out = Files.newBufferedWriter(file)) {
            properties.store(out, null);
        }
        JsonNode set = byKind.get("StatefulSet/faultline");
        JsonNode pod = set.path("spec").path("template");
        JsonNode container = pod.path("spec").path("containers").get(0);
        ObjectNode env = YAML.createObjectNode();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText("")));
        AnalyzerConfig config = analyzerConfig(Optional.of(file), env);
        assertThat(config.kafka().get("num.standby.replicas")).isEqualTo("1");
        assertThat(config.http().advertisedHost()).isEqualTo("$(POD_NAME).faultline-headless.$(POD_NAMESPACE).svc.cluster.local");
        assertThat(set.path("spec").path("serviceName").asText()).isEqualTo("faultline-headless");

        int port = container.path("ports").get(0).path("containerPort").asInt();
        assertThat(port).isEqualTo(config.http().port());
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/ready");
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/live");
        assertThat(container.path("args")).extracting(JsonNode::asText).containsExactly("run", "--config", "/etc/faultline/analyzer.properties");
        assertThat(Faultline.commandLine().parseArgs(YAML.convertValue(container.path("args"), String[].class)).errors()).isEmpty();

        // Memory: a fixed heap touched at start, and the request covers it and RocksDB's bound with room for the rest of the JVM.
        List<String> jvmOptions = List.of(env.path("JAVA_TOOL_OPTIONS").asText().split(" "));
        assertThat(jvmOptions).contains("-XX:+AlwaysPreTouch");
        long heap = parseBytes(jvmOption(jvmOptions, "-Xmx"));
        assertThat(parseBytes(jvmOption(jvmOptions, "-Xms"))).isEqualTo(heap);
        long rocksdb = Long.parseLong(properties.getProperty(AnalyzerConfig.ROCKSDB_MEMORY_BYTES));
        long request = parseBytes(container.path("resources").path("requests").path("memory").asText());
        assertThat(request).isGreaterThanOrEqualTo(heap + rocksdb + (256L << 20));
        assertThat(container.path("resources").path("limits").path("memory").asText())
            .isEqualTo(container.path("resources").path("requests").path("memory").asText());

        JsonNode labels = pod.path("metadata").path("labels");
        JsonNode headless = byKind.get("Service/faultline-headless").path("spec");
        assertThat(headless.path("clusterIP").asText()).isEqualTo("None");
        assertThat(headless.path("publishNotReadyAddresses").asBoolean()).isTrue();
        assertThat(headless.path("selector")).isEqualTo(labels);
        assertThat(byKind.get("Service/faultline").path("spec").path("selector")).isEqualTo(labels);
        JsonNode pdb = byKind.get("PodDisruptionBudget/faultline").path("spec");
        assertThat(pdb.path("selector").path("matchLabels")).isEqualTo(labels);
        assertThat(pdb.path("maxUnavailable").asInt()).isEqualTo(1);
    }

    @Test
    void dockerfileBuildsTheCliAndRunsTheAnalyzer() throws Exception {
        List<String> lines = Files.readAllLines(ROOT.resolve("Dockerfile"));
        assertThat(lines).filteredOn(l -> l.startsWith("FROM ")).extracting(l -> l.split(" ")[1])
            .containsExactly("maven:3.9-eclipse-temurin-17", "eclipse-temurin:17-jre");
        assertThat(lines).contains("RUN mvn -B -q install -DskipTests -pl cli -am", "EXPOSE 8080", "CMD [\"run\"]",
            "COPY --from=build /src/cli/target/faultline.jar /opt/faultline/faultline.jar",
            "COPY --from=build /src/cli/target/lib /opt/faultline/lib");
        // A fixed heap touched at start, as in the Kubernetes manifest.
        assertThat(lines).filteredOn(l -> l.startsWith("ENTRYPOINT ")).singleElement().asString()
            .contains("\"-XX:InitialRAMPercentage=50\", \"-XX:MaxRAMPercentage=50\", \"-XX:+AlwaysPreTouch\"");
        // What the COPY lines take (the jar and its lib/) is what DemoIT runs, after packaging.
        assertThat(Files.readString(ROOT.resolve(".dockerignore"))).contains("**/target", "**/node_modules");
    }

    private static String jvmOption(List<String> options, String prefix) {
        return options.stream().filter(o -> o.startsWith(prefix)).map(o -> o.substring(prefix.length())).findFirst()
            .orElseThrow(() -> new AssertionError("no " + prefix + " in " + options));
    }

    private static long parseBytes(String text) {
        Matcher m = Pattern.compile("(\\d+)(Mi|Gi|m|g)").matcher(text.trim());
        assertThat(m.matches()).as(text).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "Mi", "m" -> n << 20;
            default -> n << 30;
        };
    }
}
