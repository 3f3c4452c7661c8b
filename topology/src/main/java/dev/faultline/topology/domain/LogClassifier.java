package dev.faultline.topology.domain;

import java.util.Locale;
import java.util.Map;

import dev.faultline.schema.FaultKind;

/**
 * Classifies a log record by the first rule of a {@link RuleSet} that matches. The text
 * examined is the head of the body (exception class, message and the first stack frames),
 * every "Caused by:" line (root causes sit there), and the exception attributes, cut to a
 * bounded length: with RE2's linear-time matching, the work per record is bounded however
 * long or hostile the line is.
 */
public final class LogClassifier {
    public static final int DEFAULT_MAX_LINES = 8;
    public static final int DEFAULT_MAX_CHARS = 8_192;
    private static final int MAX_CAUSE_LINES = 8;

    private final RuleSet rules;
    private final int maxLines;
    private final int maxChars;

    public LogClassifier(RuleSet rules) {
        this(rules, DEFAULT_MAX_LINES, DEFAULT_MAX_CHARS);
    }

    public LogClassifier(RuleSet rules, int maxLines, int maxChars) {
        this.rules = rules;
        this.maxLines = maxLines;
        this.maxChars = maxChars;
    }

    public Classification classify(String body, Map<String, String> attributes) {
        String text = excerpt(body, attributes);
        String lower = text.toLowerCase(Locale.ROOT);
        for (ClassificationRule rule : rules.rules()) {
            boolean matched;
            if (rule.attribute().isPresent()) {
                String value = attributes.get(rule.attribute().get());
                matched = value != null && rule.matches(value, value.toLowerCase(Locale.ROOT));
            } else {
                matched = rule.matches(text, lower);
            }
            if (matched) {
                FaultKind kind = rule.kind();
                return new Classification(kind, FaultTaxonomy.categoryOf(kind), rule.severity(), rule.id());
            }
        }
        return Classification.UNCLASSIFIED;
    }

    /** The part of a record the rules look at, at most {@code maxChars} long. */
    String excerpt(String body, Map<String, String> attributes) {
        StringBuilder text = new StringBuilder(Math.min(maxChars, body.length() + 64));
        appendLine(text, attributes.get("exception.type"));
        appendLine(text, attributes.get("exception.message"));
        int lines = 0;
        int causes = 0;
        int start = 0;
        while (start < body.length() && text.length() < maxChars) {
            int end = body.indexOf('\n', start);
            if (end < 0) {
                end = body.length();
            }
            String line = body.substring(start, Math.min(end, start + maxChars)).strip();
            if (lines < maxLines) {
                appendLine(text, line);
                lines++;
            } else if (line.startsWith("Caused by:") && causes < MAX_CAUSE_LINES) {
                appendLine(text, line);
                causes++;
            } else if (causes >= MAX_CAUSE_LINES) {
                break;
            }
            start = end + 1;
        }
        return text.length() > maxChars ? text.substring(0, maxChars) : text.toString();
    }

    private void appendLine(StringBuilder text, String line) {
        if (line != null && !line.isEmpty() && text.length() < maxChars) {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(line, 0, Math.min(line.length(), Math.max(0, maxChars - text.length())));
        }
    }
}
