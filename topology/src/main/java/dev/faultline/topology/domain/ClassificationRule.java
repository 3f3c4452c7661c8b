package dev.faultline.topology.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.google.re2j.Pattern;

import dev.faultline.schema.FaultKind;
import dev.faultline.schema.Severity;

/**
 * One ordered classification rule: when {@code pattern} is found in the log's text (or, with
 * {@code attribute}, in that attribute's value), the record is of {@code kind}.
 *
 * <p>Most texts match no rule, so the regular-expression engine is kept for texts that can
 * match: {@code literals} holds, lower-cased, the literal text each top-level alternative of
 * the pattern starts with; a text containing none of them cannot match and is not searched.
 * When the pattern is nothing but such literals ({@code literalOnly}), finding one is the
 * match. A pattern with an alternative that starts with no literal (an anchor, a group, a
 * class) always goes to the engine.
 */
public record ClassificationRule(String id, FaultKind kind, Severity severity, Pattern pattern, Optional<String> attribute,
                                 Optional<List<String>> literals, boolean literalOnly) {

    private static final String METACHARACTERS = "\\^$.[](){}*+?|";

    public static ClassificationRule of(String id, FaultKind kind, Severity severity, Pattern pattern, Optional<String> attribute) {
        List<String> alternatives = topLevelAlternatives(pattern.pattern());
        List<String> prefixes = new ArrayList<>();
        boolean literalOnly = true;
        for (String alternative : alternatives) {
            int end = 0;
            while (end < alternative.length() && METACHARACTERS.indexOf(alternative.charAt(end)) < 0) {
                end++;
            }
            boolean whole = end == alternative.length();
            if (!whole && "?*{".indexOf(alternative.charAt(end)) >= 0) {
                end--; // the quantifier makes the character before it optional
            }
            if (end <= 0) {
                return new ClassificationRule(id, kind, severity, pattern, attribute, Optional.empty(), false);
            }
            prefixes.add(alternative.substring(0, end).toLowerCase(Locale.ROOT));
            literalOnly &= whole;
        }
        return new ClassificationRule(id, kind, severity, pattern, attribute, Optional.of(List.copyOf(prefixes)), literalOnly);
    }

    /** The pattern split at each {@code |} outside groups, classes and escapes. */
    static List<String> topLevelAlternatives(String source) {
        List<String> alternatives = new ArrayList<>();
        int depth = 0;
        boolean inClass = false;
        int start = 0;
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\\') {
                i++;
            } else if (inClass) {
                inClass = c != ']';
            } else if (c == '[') {
                inClass = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == '|' && depth == 0) {
                alternatives.add(source.substring(start, i));
                start = i + 1;
            }
        }
        alternatives.add(source.substring(start));
        return alternatives;
    }

    /** Whether the rule matches {@code text}, given also in lower case. */
    public boolean matches(String text, String lowerCaseText) {
        if (literals.isEmpty()) {
            return pattern.matcher(text).find();
        }
        for (String literal : literals.get()) {
            if (lowerCaseText.contains(literal)) {
                return literalOnly || pattern.matcher(text).find();
            }
        }
        return false;
    }
}
