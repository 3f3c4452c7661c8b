package dev.faultline.topology.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.google.re2j.Pattern;

import dev.faultline.schema.FaultKind;
import dev.faultline.schema.Severity;

class ClassificationRuleTest {
    private static ClassificationRule rule(String pattern) {
        return ClassificationRule.of("r", FaultKind.CONNECTION_REFUSED, Severity.LOW, Pattern.compile(pattern, Pattern.CASE_INSENSITIVE),
            Optional.empty());
    }

    @Test
    void shouldSplitOnlyTopLevelAlternatives() {
        assertThat(ClassificationRule.topLevelAlternatives("a(b|c)|d\\|e|[|]x")).containsExactly("a(b|c)", "d\\|e", "[|]x");
    }

    @Test
    void shouldKeepTheLiteralEachAlternativeStartsWith() {
        ClassificationRule disk = rule("disk (?:is )?full|DiskFull|records? lost|x+y");
        assertThat(disk.literals()).contains(List.of("disk ", "diskfull", "record", "x"));
        assertThat(disk.literalOnly()).isFalse();

        ClassificationRule refused = rule("Connection refused|ECONNREFUSED");
        assertThat(refused.literals()).contains(List.of("connection refused", "econnrefused"));
        assertThat(refused.literalOnly()).isTrue();
    }

    @Test
    void shouldLeaveToTheEngineAPatternWithAnAlternativeThatStartsWithNoLiteral() {
        assertThat(rule("^40[13]$").literals()).isEmpty();
        assertThat(rule("timeout|(?:read|write) failed").literals()).isEmpty();
        assertThat(rule("s?lost").literals()).isEmpty();
        assertThat(rule("").literals()).isEmpty();
    }

    /** The shortcut must never change an outcome: every default rule against texts made of its own pieces. */
    @Test
    void shouldMatchExactlyWhatTheRegularExpressionMatches() {
        Random random = new Random(7);
        List<String> pieces = new ArrayList<>(List.of(" ", "\n", "is ", "were ", "42 ", "error", "JSON", "ß", "İ", "K"));
        for (ClassificationRule rule : RuleSet.defaults().rules()) {
            for (String alternative : ClassificationRule.topLevelAlternatives(rule.pattern().pattern())) {
                pieces.addAll(List.of(alternative.replaceAll("[\\\\^$.\\[\\](){}*+?|:]", " ").split("(?<= )")));
            }
        }
        int matched = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(6); n >= 0; n--) {
                String piece = pieces.get(random.nextInt(pieces.size()));
                text.append(random.nextBoolean() ? piece : piece.toUpperCase(Locale.ROOT));
            }
            String s = text.toString();
            for (ClassificationRule rule : RuleSet.defaults().rules()) {
                boolean expected = rule.pattern().matcher(s).find();
                assertThat(rule.matches(s, s.toLowerCase(Locale.ROOT))).as("%s on '%s'", rule.id(), s).isEqualTo(expected);
                matched += expected ? 1 : 0;
            }
        }
        assertThat(matched).as("texts that match some rule").isGreaterThan(1_000);
    }
}
