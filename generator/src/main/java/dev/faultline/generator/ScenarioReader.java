package dev.faultline.generator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads scenario files (YAML). The format, every field optional unless marked:
 * <pre>
 * name: checkout-payments-postgres       # required
 * description: what happens
 * duration: 2m                           # how long the scenario plays (default 2m)
 * seed: 42                               # same seed, same telemetry
 * daily-amplitude: 0.2                   # request rate swings +-20 % over the day (0..1)
 * services:                              # required, at least one
 *   - name: payments                     # required; with count, a pattern containing {n}
 *     count: 1                           # that many services from the pattern (svc-{n} -> svc-1 ...)
 *     rate: 20                           # requests per second at baseline
 *     latency: 30ms                      # median request duration
 *     error-rate: 0.005
 *     instances: 2
 *     calls: [postgres]                  # services it depends on: their trouble spreads upstream
 *     operations: ["POST /payments"]
 *     cpu: 0.35                          # utilizations 0..1 at baseline
 *     memory: 0.5
 *     disk: 0.55
 * faults:
 *   - type: dependency-outage            # required; see FaultType
 *     service: payments                  # required
 *     target: postgres                   # required for dns-failure, network-partition, dependency-outage
 *     instance: payments-2               # only that instance (resource faults)
 *     start: 25s                         # required, offset from the scenario's start
 *     duration: 50s                      # required
 *     ramp: 20s                          # grows linearly to full magnitude (default 0)
 *     magnitude: 0.35                    # meaning and default per type
 * </pre>
 * Durations are numbers with a unit: ms, s, m, h.
 */
public final class ScenarioReader {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");
    private static final Set<String> SCENARIO_KEYS = Set.of("name", "description", "duration", "seed", "daily-amplitude", "services", "faults");
    private static final Set<String> SERVICE_KEYS = Set.of("name", "count", "rate", "latency", "error-rate", "instances", "calls",
        "operations", "cpu", "memory", "disk");
    private static final Set<String> FAULT_KEYS = Set.of("type", "service", "target", "instance", "start", "duration", "ramp", "magnitude");
    /** The scenarios that ship with the project, by name. */
    public static final List<String> BUILT_IN = List.of("checkout-payments-postgres", "bad-deploy", "resource-exhaustion",
        "network-trouble", "many-services");

    private ScenarioReader() {
    }

    /** A built-in scenario by name, or a scenario file by path. */
    public static Scenario load(String nameOrPath) {
        if (BUILT_IN.contains(nameOrPath)) {
            try (InputStream in = ScenarioReader.class.getResourceAsStream("scenarios/" + nameOrPath + ".yaml")) {
                return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), nameOrPath);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        Path path = Path.of(nameOrPath);
        if (!Files.isRegularFile(path)) {
            throw new ScenarioException(nameOrPath + ": neither a built-in scenario (" + String.join(", ", BUILT_IN)
                + ") nor a readable file");
        }
        try {
            return parse(Files.readString(path), path.toString());
        } catch (IOException e) {
            throw new ScenarioException(path + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** "500ms", "30s", "1.5m", "2h"; empty when the text is none of those. */
    public static Optional<Duration> parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long unitMillis = switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1000;
            case "m" -> 60_000;
            default -> 3_600_000;
        };
        return Optional.of(Duration.ofNanos(Math.round(Double.parseDouble(m.group(1)) * unitMillis * 1_000_000)));
    }

    public static Scenario parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ScenarioException(source + ": not valid YAML (" + e.getOriginalMessage() + ")");
        }
        Fields scenario = new Fields(source, "", root, SCENARIO_KEYS);
        Duration duration = scenario.duration("duration", Duration.ofMinutes(2));
        if (duration.isZero()) {
            throw scenario.invalid("duration", "a positive duration");
        }
        List<ServiceProfile> services = new ArrayList<>();
        JsonNode serviceList = scenario.list("services", true);
        for (int i = 0; i < serviceList.size(); i++) {
            services.addAll(service(new Fields(source, "services[" + i + "].", serviceList.get(i), SERVICE_KEYS)));
        }
        Set<String> names = new HashSet<>();
        for (ServiceProfile service : services) {
            if (!names.add(service.name())) {
                throw new ScenarioException(source + ": service " + service.name() + " is defined twice");
            }
        }
        for (ServiceProfile service : services) {
            for (String callee : service.calls()) {
                if (!names.contains(callee)) {
                    throw new ScenarioException(source + ": service " + service.name() + " calls " + callee + ", which is not defined");
                }
            }
        }
        List<InjectedFault> faults = new ArrayList<>();
        JsonNode faultList = scenario.list("faults", false);
        for (int i = 0; i < faultList.size(); i++) {
            InjectedFault fault = fault(new Fields(source, "faults[" + i + "].", faultList.get(i), FAULT_KEYS), "f" + (i + 1), names, duration);
            faults.add(fault);
        }
        return new Scenario(scenario.text("name", null), scenario.text("description", ""), duration,
            scenario.number("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE).longValue(),
            scenario.number("daily-amplitude", 0, 0, 1).doubleValue(), List.copyOf(services), List.copyOf(faults));
    }

    private static List<ServiceProfile> service(Fields f) {
        String pattern = f.text("name", null);
        int count = f.number("count", 1, 1, 1_000_000).intValue();
        if (count > 1 && !pattern.contains("{n}")) {
            throw f.invalid("name", "a pattern containing {n} when count > 1");
        }
        double rate = f.number("rate", 10, 0, 1_000_000).doubleValue();
        double latency = f.duration("latency", Duration.ofMillis(30)).toNanos() / 1e6;
        double errorRate = f.number("error-rate", 0.005, 0, 1).doubleValue();
        int instances = f.number("instances", 2, 1, 1000).intValue();
        List<String> calls = f.strings("calls");
        List<String> operations = f.strings("operations");
        double cpu = f.number("cpu", 0.35, 0, 1).doubleValue();
        double memory = f.number("memory", 0.5, 0, 1).doubleValue();
        double disk = f.number("disk", 0.55, 0, 1).doubleValue();
        List<ServiceProfile> services = new ArrayList<>(count);
        for (int n = 1; n <= count; n++) {
            String name = pattern.replace("{n}", Integer.toString(n));
            services.add(new ServiceProfile(name, rate, latency, errorRate, instances, calls,
                operations.isEmpty() ? List.of("GET /" + name) : operations, cpu, memory, disk));
        }
        return services;
    }

    private static InjectedFault fault(Fields f, String id, Set<String> services, Duration scenarioDuration) {
        String typeName = f.text("type", null);
        FaultType type = FaultType.byId(typeName)
            .orElseThrow(() -> f.invalid("type", "one of " + FaultType.ids()));
        String service = f.text("service", null);
        if (!services.contains(service)) {
            throw f.invalid("service", "a service defined under services");
        }
        Optional<String> target = Optional.ofNullable(f.text("target", ""))
            .filter(t -> !t.isEmpty());
        if (type.needsTarget() && target.isEmpty()) {
            throw f.missing("target", " for " + type.id() + " (the dependency it is about)");
        }
        Optional<String> instance = Optional.ofNullable(f.text("instance", "")).filter(t -> !t.isEmpty());
        Duration start = f.duration("start", null);
        Duration duration = f.duration("duration", null);
        if (duration.isZero() || start.plus(duration).compareTo(scenarioDuration) > 0) {
            throw f.invalid("duration", "positive, ending within the scenario's " + scenarioDuration.toSeconds() + " s");
        }
        Duration ramp = f.duration("ramp", Duration.ZERO);
        if (ramp.compareTo(duration) > 0) {
            throw f.invalid("ramp", "at most the fault's duration");
        }
        double magnitude = f.number("magnitude", type.defaultMagnitude(), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY).doubleValue();
        if (!type.accepts(magnitude)) {
            throw f.invalid("magnitude", type.range() + " for " + type.id());
        }
        return new InjectedFault(id, type, service, target, instance, start, duration, ramp, magnitude);
    }

    /** One YAML mapping with its location, so every error names file and field. */
    private static final class Fields {
        private final String source;
        private final String path;
        private final JsonNode node;

        Fields(String source, String path, JsonNode node, Set<String> known) {
            this.source = source;
            this.path = path;
            if (node == null || !node.isObject()) {
                throw new ScenarioException(source + ": " + (path.isEmpty() ? "the document" : path.substring(0, path.length() - 1))
                    + " must be a mapping");
            }
            this.node = node;
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!known.contains(name)) {
                    throw new ScenarioException(source + ": " + path + name + " is not a known field; known: " + new java.util.TreeSet<>(known));
                }
            }
        }

        ScenarioException invalid(String field, String expected) {
            return new ScenarioException(source + ": " + path + field + " = " + node.get(field) + "; expected " + expected);
        }

        ScenarioException missing(String field, String why) {
            return new ScenarioException(source + ": " + path + field + " is required" + why);
        }

        private JsonNode required(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw missing(field, "");
            }
            return value;
        }

        String text(String field, String fallback) {
            JsonNode value = fallback == null ? required(field) : node.get(field);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isValueNode() || value.asText().isBlank()) {
                throw invalid(field, "a non-empty text");
            }
            return value.asText();
        }

        Number number(String field, Number fallback, double min, double max) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isNumber() || value.doubleValue() < min || value.doubleValue() > max) {
                throw invalid(field, "a number in " + (min == Double.NEGATIVE_INFINITY ? "" : min) + ".." + (max == Double.POSITIVE_INFINITY ? "" : max));
            }
            return value.numberValue();
        }

        Duration duration(String field, Duration fallback) {
            JsonNode value = fallback == null ? required(field) : node.get(field);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isTextual()) {
                throw invalid(field, "a duration such as 500ms, 30s, 2m or 1h");
            }
            return parseDuration(value.asText()).orElseThrow(() -> invalid(field, "a duration such as 500ms, 30s, 2m or 1h"));
        }

        JsonNode list(String field, boolean required) {
            JsonNode value = required ? required(field) : node.get(field);
            if (value == null || value.isNull()) {
                return YAML.createArrayNode();
            }
            if (!value.isArray() || (required && value.isEmpty())) {
                throw invalid(field, required ? "a non-empty list" : "a list");
            }
            return value;
        }

        List<String> strings(String field) {
            List<String> values = new ArrayList<>();
            for (JsonNode item : list(field, false)) {
                if (!item.isTextual() || item.asText().isBlank()) {
                    throw invalid(field, "a list of names");
                }
                values.add(item.asText());
            }
            return List.copyOf(values);
        }
    }
}
