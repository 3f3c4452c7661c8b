package dev.faultline.topology.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The alerting rules in ops/prometheus, checked and unit-tested by Prometheus' own promtool. */
public class PrometheusRulesTest {
    public static final Path RULES_DIR = Path.of("..", "ops", "prometheus");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    /** The metric names the rules query, so the analyzer's real /metrics can be checked for them. */
    public static Set<String> metricNames() throws Exception {
        Matcher m = Pattern.compile("expr: .*").matcher(Files.readString(RULES_DIR.resolve("faultline-rules.yml")));
        Set<String> names = new TreeSet<>();
        while (m.find()) {
            Matcher name = Pattern.compile("\\b((?:faultline|kafka)_[a-z_]+)\\b").matcher(m.group());
            while (name.find()) {
                names.add(name.group(1));
            }
        }
        return names;
    }

    @Test
    void rulesAreValidAndPassTheirUnitTests() throws Exception {
        assertThat(PROMTOOL).as("promtool (Debian package prometheus; .ci/run installs it)").isExecutable();
        assertThat(promtool("check", "rules", "faultline-rules.yml")).contains("SUCCESS: 7 rules found");
        assertThat(promtool("test", "rules", "faultline-rules.test.yml")).contains("SUCCESS");
    }

    @Test
    void rulesWatchTheMetricsTheIssueNames() throws Exception {
        assertThat(metricNames()).containsExactly("faultline_dead_letters_total", "faultline_faults_active",
            "faultline_service_degradation_level", "faultline_stream_thread_replacements_total",
            "kafka_consumer_fetch_manager_records_lag_max");
    }

    private static String promtool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(RULES_DIR.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("promtool %s:%n%s", String.join(" ", args), output).isZero();
        return output;
    }
}
