package dev.faultline.topology.domain.templates;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One mined template: its tokens ({@link #WILDCARD} where lines differ), a stable id and a count. */
public final class LogTemplate {
    public static final String WILDCARD = "<*>";

    private final String id;
    private final String[] tokens;
    private long count;
    private String example;

    LogTemplate(String id, String[] tokens, String example) {
        this.id = id;
        this.tokens = tokens;
        this.example = example;
    }

    public String id() {
        return id;
    }

    public String text() {
        return String.join(" ", tokens);
    }

    public long count() {
        return count;
    }

    public String example() {
        return example;
    }

    /** The template's tokens (a copy). */
    public List<String> tokenList() {
        return List.of(tokens);
    }

    String[] tokens() {
        return tokens;
    }

    int length() {
        return tokens.length;
    }

    void restoreCount(long restored) {
        count = restored;
    }

    void seen(String line) {
        count++;
        if (example == null) {
            example = line;
        }
    }

    /** Turns every position where {@code line} differs into a wildcard; true when the template changed. */
    boolean generalize(String[] line) {
        boolean changed = false;
        for (int i = 0; i < tokens.length; i++) {
            if (!tokens[i].equals(line[i]) && !tokens[i].equals(WILDCARD)) {
                tokens[i] = WILDCARD;
                changed = true;
            }
        }
        return changed;
    }

    /** The values of the wildcard positions in a line of this template. */
    public List<String> parameters(String[] line) {
        List<String> parameters = new ArrayList<>();
        for (int i = 0; i < tokens.length && i < line.length; i++) {
            if (tokens[i].equals(WILDCARD)) {
                parameters.add(line[i]);
            }
        }
        return parameters;
    }

    @Override
    public String toString() {
        return id + " " + Arrays.toString(tokens) + " x" + count;
    }
}
