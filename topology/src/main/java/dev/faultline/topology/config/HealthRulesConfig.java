package dev.faultline.topology.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import dev.faultline.topology.domain.DegradationPolicy;
import dev.faultline.topology.domain.FaultLifecycle;
import dev.faultline.topology.domain.HealthRules;
import dev.faultline.topology.domain.RuleSet;

/** The fault-rule settings ({@code analyzer.rule.*}) and their per-service overrides. */
final class HealthRulesConfig {
    static final String ERROR_RATE = "analyzer.rule.high-error-rate.threshold";
    static final String ERROR_RATE_MIN_REQUESTS = "analyzer.rule.high-error-rate.min-requests";
    static final String ERROR_RATE_FOR = "analyzer.rule.high-error-rate.for.ms";
    static final String LATENCY_P95 = "analyzer.rule.high-latency.p95.ms";
    static final String LATENCY_FOR = "analyzer.rule.high-latency.for.ms";
    static final String CPU = "analyzer.rule.cpu-overload.threshold";
    static final String MEMORY_HIGH = "analyzer.rule.memory-pressure.high";
    static final String MEMORY_HIGH_FOR = "analyzer.rule.memory-pressure.high.for.ms";
    static final String MEMORY_CRITICAL = "analyzer.rule.memory-pressure.critical";
    static final String DISK = "analyzer.rule.disk-space-full.threshold";
    static final String LOW_THROUGHPUT_RATIO = "analyzer.rule.low-throughput.ratio";
    static final String LOW_THROUGHPUT_FLOOR = "analyzer.rule.low-throughput.floor";
    static final String LOW_THROUGHPUT_WINDOWS = "analyzer.rule.low-throughput.windows";
    static final String LOG_MIN_COUNT = "analyzer.rule.log.min-count";
    static final String SERVICE_DOWN_TIMEOUT = "analyzer.rule.service-down.timeout.ms";
    static final String RESOLVE_WINDOWS = "analyzer.rule.resolve.windows";
    static final String COOLDOWN = "analyzer.rule.update-cooldown.ms";
    static final String DWELL_WINDOWS = "analyzer.rule.degradation.dwell.windows";
    static final String NEW_PATTERN_QUIET = "analyzer.rule.new-error-pattern.quiet.ms";

    static final Map<String, String> DEFAULTS = defaults();
    static final Set<String> SUFFIXES = suffixes();

    private HealthRulesConfig() {
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(ERROR_RATE, "0.10");
        d.put(ERROR_RATE_MIN_REQUESTS, "20");
        d.put(ERROR_RATE_FOR, "120000");
        d.put(LATENCY_P95, "1000");
        d.put(LATENCY_FOR, "300000");
        d.put(CPU, "0.80");
        d.put(MEMORY_HIGH, "0.80");
        d.put(MEMORY_HIGH_FOR, "300000");
        d.put(MEMORY_CRITICAL, "0.90");
        d.put(DISK, "0.95");
        d.put(LOW_THROUGHPUT_RATIO, "0.5");
        d.put(LOW_THROUGHPUT_FLOOR, "1.0");
        d.put(LOW_THROUGHPUT_WINDOWS, "3");
        d.put(LOG_MIN_COUNT, "5");
        d.put(SERVICE_DOWN_TIMEOUT, "60000");
        d.put(RESOLVE_WINDOWS, "2");
        d.put(COOLDOWN, "300000");
        d.put(DWELL_WINDOWS, "2");
        d.put(NEW_PATTERN_QUIET, "1800000");
        return Map.copyOf(d);
    }

    private static Set<String> suffixes() {
        Set<String> suffixes = new TreeSet<>();
        DEFAULTS.keySet().forEach(key -> suffixes.add(key.substring(AnalyzerConfig.RULE_PREFIX.length())));
        return Set.copyOf(suffixes);
    }

    /** The service a per-service key overrides, if the key is well formed. */
    static Optional<String> serviceOverride(String key) {
        String rest = key.substring(AnalyzerConfig.SERVICE_PREFIX.length());
        for (String suffix : SUFFIXES) {
            if (rest.endsWith("." + suffix) && rest.length() > suffix.length() + 1) {
                return Optional.of(rest.substring(0, rest.length() - suffix.length() - 1));
            }
        }
        return Optional.empty();
    }

    static Set<String> services(Set<String> keys) {
        Set<String> services = new TreeSet<>();
        keys.stream().filter(k -> k.startsWith(AnalyzerConfig.SERVICE_PREFIX)).forEach(k -> serviceOverride(k).ifPresent(services::add));
        return services;
    }

    static String serviceKey(String service, String ruleKey) {
        return AnalyzerConfig.SERVICE_PREFIX + service + "." + ruleKey.substring(AnalyzerConfig.RULE_PREFIX.length());
    }

    static HealthRules rules(Function<String, String> get, Duration window, RuleSet ruleSet) {
        HealthRules d = HealthRules.defaults(window, ruleSet);
        int resolveWindows = (int) AnalyzerConfig.number(get, RESOLVE_WINDOWS, 1, 1000);
        DegradationPolicy degradation = new DegradationPolicy(d.degradation().cpu(), d.degradation().memory(), d.degradation().errorRate(),
            d.degradation().emergencyErrorRate(), d.degradation().resourceMargin(), d.degradation().errorRateMargin(),
            (int) AnalyzerConfig.number(get, DWELL_WINDOWS, 1, 1000));
        return new HealthRules(
            ratio(get, ERROR_RATE), AnalyzerConfig.number(get, ERROR_RATE_MIN_REQUESTS, 0, Integer.MAX_VALUE), millis(get, ERROR_RATE_FOR),
            decimal(get, LATENCY_P95, 0, 1e9), millis(get, LATENCY_FOR),
            ratio(get, CPU), d.cpuFor(),
            ratio(get, MEMORY_HIGH), millis(get, MEMORY_HIGH_FOR), ratio(get, MEMORY_CRITICAL), d.memoryCriticalFor(),
            ratio(get, DISK),
            ratio(get, LOW_THROUGHPUT_RATIO), decimal(get, LOW_THROUGHPUT_FLOOR, 0, 1e12),
            (int) AnalyzerConfig.number(get, LOW_THROUGHPUT_WINDOWS, 1, 1000), d.baselineWarmupWindows(),
            (int) AnalyzerConfig.number(get, LOG_MIN_COUNT, 1, 1_000_000), d.singleRecordKinds(), d.logKindSeverity(),
            millis(get, SERVICE_DOWN_TIMEOUT),
            millis(get, NEW_PATTERN_QUIET),
            window,
            new FaultLifecycle.Policy(window.multipliedBy(resolveWindows), millis(get, COOLDOWN), d.lifecycle().materialChange()),
            degradation);
    }

    private static Duration millis(Function<String, String> get, String key) {
        return Duration.ofMillis(AnalyzerConfig.number(get, key, 0, 86_400_000L * 7));
    }

    private static double ratio(Function<String, String> get, String key) {
        return decimal(get, key, 0, 1);
    }

    private static double decimal(Function<String, String> get, String key, double min, double max) {
        String text = get.apply(key);
        try {
            double value = Double.parseDouble(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted range
        }
        throw new InvalidConfigException(key, text, "a number in [" + min + ", " + max + "]");
    }
}
