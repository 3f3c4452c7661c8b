package dev.faultline.topology.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import dev.faultline.schema.FaultKind;
import dev.faultline.schema.Severity;

/**
 * An ordered list of classification rules, read from JSON:
 * <pre>{"rules": [{"id": "...", "kind": "CONNECTION_TIMEOUT", "severity": "HIGH",
 *                  "pattern": "SocketTimeoutException|timed out", "attribute": "(optional)"}]}</pre>
 * Patterns are RE2 syntax (linear-time matching, no backreferences or lookaround) and
 * match case-insensitively. A malformed rule set is refused whole, naming the rule at fault,
 * so a bad update never replaces a working set.
 */
public record RuleSet(List<ClassificationRule> rules) {
    public static final String DEFAULT_RESOURCE = "default-rules.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static RuleSet defaults() {
        try (InputStream in = RuleSet.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RuleSet parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidRuleSetException("not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.path("rules").isArray() || root.path("rules").isEmpty()) {
            throw new InvalidRuleSetException("expected an object with a non-empty \"rules\" array");
        }
        List<ClassificationRule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int index = 0;
        for (JsonNode node : root.path("rules")) {
            String where = "rule #" + index++;
            String id = text(node, "id", where);
            where = "rule '" + id + "'";
            if (!ids.add(id)) {
                throw new InvalidRuleSetException(where + ": duplicate id");
            }
            FaultKind kind = enumValue(FaultKind.class, text(node, "kind", where), where + ": kind");
            Severity severity = enumValue(Severity.class, text(node, "severity", where), where + ": severity");
            Pattern pattern;
            try {
                pattern = Pattern.compile(text(node, "pattern", where), Pattern.CASE_INSENSITIVE);
            } catch (PatternSyntaxException e) {
                throw new InvalidRuleSetException(where + ": pattern is not valid RE2 syntax: " + e.getMessage());
            }
            Optional<String> attribute = node.hasNonNull("attribute") ? Optional.of(node.get("attribute").asText()) : Optional.empty();
            rules.add(ClassificationRule.of(id, kind, severity, pattern, attribute));
        }
        return new RuleSet(List.copyOf(rules));
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidRuleSetException(where + ": missing \"" + field + "\"");
        }
        return value.asText();
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String where) {
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw new InvalidRuleSetException(where + " '" + value + "' is not one of " + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }

    /** A rule set that cannot be used; the message names the rule and the problem. */
    public static final class InvalidRuleSetException extends RuntimeException {
        public InvalidRuleSetException(String message) {
            super("invalid rule set: " + message);
        }
    }
}
