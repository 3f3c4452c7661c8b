package dev.faultline.topology.domain;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.google.re2j.Pattern;

import dev.faultline.schema.FaultKind;
import dev.faultline.schema.Severity;

/**
 * One ordered classification rule: when {@code pattern} is found in the log's text (or, with
 * {@code attribute}, in that attribute's value), the record is of {@code kind}. A pattern that
 * is only an alternation of plain words also has them as {@code literals}, lower-cased, which
 * are matched by substring search instead of the regular-expression engine.
 */
public record ClassificationRule(String id, FaultKind kind, Severity severity, Pattern pattern, Optional<String> attribute,
                                 Optional<List<String>> literals) {

    private static final java.util.regex.Pattern METACHARACTERS = java.util.regex.Pattern.compile("[\\\\^$.\\[\\](){}*+?]");

    public static ClassificationRule of(String id, FaultKind kind, Severity severity, Pattern pattern, Optional<String> attribute) {
        String source = pattern.pattern();
        Optional<List<String>> literals = METACHARACTERS.matcher(source).find() || source.isEmpty()
            ? Optional.empty()
            : Optional.of(Arrays.stream(source.split("\\|")).map(s -> s.toLowerCase(Locale.ROOT)).toList());
        if (literals.isPresent() && literals.get().stream().anyMatch(String::isEmpty)) {
            literals = Optional.empty();
        }
        return new ClassificationRule(id, kind, severity, pattern, attribute, literals);
    }

    /** Whether the rule matches {@code text}, given also in lower case. */
    public boolean matches(String text, String lowerCaseText) {
        if (literals.isPresent()) {
            for (String literal : literals.get()) {
                if (lowerCaseText.contains(literal)) {
                    return true;
                }
            }
            return false;
        }
        return pattern.matcher(text).find();
    }
}
