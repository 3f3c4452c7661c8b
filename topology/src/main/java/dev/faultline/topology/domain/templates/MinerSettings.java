package dev.faultline.topology.domain.templates;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Settings of the template miner. One set serves every kind of log: they are not tuned per
 * source. {@code masks} replace variable parts (numbers, hex ids, addresses, UUIDs, paths,
 * timestamps) with {@link LogTemplate#WILDCARD} before a line is tokenised.
 */
public record MinerSettings(int depth, double similarity, int maxChildren, int maxTemplates, List<Mask> masks) {

    /**
     * A named variable pattern, tried on tokens that pass {@code candidate}: a cheap necessary
     * condition that spares the regular-expression engine most tokens.
     */
    public record Mask(String name, Pattern pattern, java.util.function.Predicate<String> candidate) {
        public static Mask of(String name, String regex) {
            return new Mask(name, Pattern.compile(regex), token -> true);
        }

        public static Mask of(String name, String regex, java.util.function.Predicate<String> candidate) {
            return new Mask(name, Pattern.compile(regex), candidate);
        }
    }

    private static boolean hexRun(String token) {
        int run = 0;
        for (int i = 0; i < token.length(); i++) {
            run = Character.digit(token.charAt(i), 16) >= 0 ? run + 1 : 0;
            if (run >= 8) {
                return true;
            }
        }
        return token.contains("0x") || token.contains("0X");
    }

    /** The defaults the accuracy benchmark reports. */
    public static final MinerSettings DEFAULT = new MinerSettings(4, 0.5, 100, 1_000, List.of(
        Mask.of("uuid", "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b",
            t -> t.length() >= 36 && t.indexOf('-') >= 0),
        Mask.of("ip", "(?<![\\w.])(?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?(?![\\w.])", t -> t.indexOf('.') >= 0),
        Mask.of("timestamp", "\\b\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?\\b|\\b\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d+)?\\b",
            t -> t.indexOf(':') >= 0),
        Mask.of("hex", "\\b0[xX][0-9a-fA-F]+\\b|\\b(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{8,}\\b", MinerSettings::hexRun),
        Mask.of("path", "(?<![\\w/])(?:/[\\w.\\-]+){2,}/?", t -> t.indexOf('/') >= 0),
        Mask.of("number", "(?<![\\w.])[-+]?\\d+(?:\\.\\d+)?(?![\\w.])")));

    public MinerSettings {
        if (depth < 3) {
            throw new IllegalArgumentException("depth must be at least 3 (root, length, one token level)");
        }
        if (similarity <= 0 || similarity > 1) {
            throw new IllegalArgumentException("similarity must be in (0, 1]");
        }
        if (maxChildren < 2 || maxTemplates < 1) {
            throw new IllegalArgumentException("maxChildren must be at least 2 and maxTemplates at least 1");
        }
        masks = List.copyOf(masks);
    }
}
