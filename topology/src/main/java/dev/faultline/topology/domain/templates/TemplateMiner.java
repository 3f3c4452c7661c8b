package dev.faultline.topology.domain.templates;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;

import dev.faultline.topology.domain.SecondChanceCache;

/**
 * Online log template mining after Drain (He et al., ICWS 2017): masked lines are tokenised,
 * routed through a fixed-depth tree (line length, then the first tokens, tokens with digits
 * under a wildcard), and matched against the templates at the leaf by the share of equal
 * tokens; a close enough template is generalised, otherwise a new one starts. Templates are
 * bounded, about the least recently used evicted ({@link SecondChanceCache}). Not thread-safe:
 * one miner per service, per task.
 */
public final class TemplateMiner {
    private final MinerSettings settings;
    private final Node root = new Node();
    private final SecondChanceCache<String, LogTemplate> templates;
    /**
     * Matchers are reused rather than made per token; not being thread-safe they are per thread,
     * and shared by all the miners a thread runs (one per service), which would otherwise hold
     * a few hundred bytes of them each.
     */
    private static final ThreadLocal<Map<List<MinerSettings.Mask>, Matcher[]>> MATCHERS =
        ThreadLocal.withInitial(IdentityHashMap::new);

    /** What a line was matched to. */
    public record Match(LogTemplate template, boolean created, boolean changed, List<String> parameters) {
    }

    public TemplateMiner(MinerSettings settings) {
        this(settings, evicted -> { });
    }

    /** {@code onEvicted} hears of every template dropped to keep within the bound, so its copy elsewhere can go too. */
    public TemplateMiner(MinerSettings settings, java.util.function.Consumer<LogTemplate> onEvicted) {
        this.settings = settings;
        this.templates = new SecondChanceCache<>(settings::maxTemplates, evicted -> {
            Node leaf = descend(evicted.tokens(), false);
            if (leaf != null) {
                leaf.templates.remove(evicted);
            }
            onEvicted.accept(evicted);
        });
    }

    public Match add(String line) {
        String[] tokens = maskedTokens(line);
        Node leaf = descend(tokens, false);
        LogTemplate best = leaf == null ? null : closest(leaf.templates, tokens);
        if (best != null) {
            boolean changed = best.generalize(tokens);
            best.seen(line);
            templates.get(best.id());
            return new Match(best, false, changed, best.parameters(tokens));
        }
        LogTemplate created = new LogTemplate(idFor(tokens), tokens.clone(), null);
        created.seen(line);
        descend(tokens, true).templates.add(created);
        templates.put(created.id(), created);
        return new Match(created, true, false, List.of());
    }

    /** Puts back a persisted template (after a restart or a rebalance), keeping its id and count. */
    public LogTemplate restore(String id, List<String> tokens, long count, String example) {
        LogTemplate template = new LogTemplate(id, tokens.toArray(String[]::new), example);
        template.restoreCount(count);
        descend(template.tokens(), true).templates.add(template);
        templates.put(id, template);
        return template;
    }

    public Collection<LogTemplate> templates() {
        return templates.values();
    }

    public int size() {
        return templates.size();
    }

    /**
     * Tokens of a line with variables masked. Only tokens holding a digit or a slash can hold a
     * variable, so only those go through the masks: most tokens are words and cost nothing.
     */
    String[] maskedTokens(String line) {
        String[] tokens = tokenize(line);
        Matcher[] masks = MATCHERS.get().computeIfAbsent(settings.masks(),
            all -> all.stream().map(m -> m.pattern().matcher("")).toArray(Matcher[]::new));
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (allDigits(token)) {
                // What the number mask makes of it anyway, without the regular-expression engine.
                tokens[i] = LogTemplate.WILDCARD;
            } else if (hasDigit(token) || token.indexOf('/') >= 0) {
                for (int m = 0; m < masks.length; m++) {
                    if (settings.masks().get(m).candidate().test(token)) {
                        masks[m].reset(token);
                        if (masks[m].find()) {
                            token = masks[m].replaceAll(LogTemplate.WILDCARD);
                        }
                    }
                }
                tokens[i] = token;
            }
        }
        return tokens;
    }

    static String[] tokenize(String line) {
        List<String> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < line.length(); i++) {
            if (Character.isWhitespace(line.charAt(i))) {
                if (start >= 0) {
                    tokens.add(line.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            tokens.add(line.substring(start));
        }
        return tokens.isEmpty() ? new String[] {""} : tokens.toArray(String[]::new);
    }

    /** Walks the tree for a line; with {@code create}, adds the missing nodes as Drain does. */
    private Node descend(String[] tokens, boolean create) {
        Node node = root.children.get(String.valueOf(tokens.length));
        if (node == null) {
            if (!create) {
                return null;
            }
            node = root.child(String.valueOf(tokens.length));
        }
        int levels = Math.min(settings.depth() - 2, tokens.length);
        for (int i = 0; i < levels; i++) {
            String token = tokens[i];
            Node next = node.children.get(token);
            if (next == null) {
                if (!create) {
                    next = node.children.get(LogTemplate.WILDCARD);
                    if (next == null) {
                        return null;
                    }
                } else if (hasDigit(token) || token.equals(LogTemplate.WILDCARD)) {
                    next = node.child(LogTemplate.WILDCARD);
                } else if (node.children.size() + 1 < settings.maxChildren()
                    || (node.children.containsKey(LogTemplate.WILDCARD) && node.children.size() < settings.maxChildren())) {
                    next = node.child(token);
                } else {
                    next = node.child(LogTemplate.WILDCARD);
                }
            }
            node = next;
        }
        return node;
    }

    private LogTemplate closest(List<LogTemplate> candidates, String[] tokens) {
        LogTemplate best = null;
        double bestSimilarity = -1;
        int bestWildcards = -1;
        for (LogTemplate candidate : candidates) {
            String[] template = candidate.tokens();
            int equal = 0;
            int wildcards = 0;
            for (int i = 0; i < template.length; i++) {
                if (template[i].equals(LogTemplate.WILDCARD)) {
                    wildcards++;
                    // A masked variable in the line agrees with a variable in the template.
                    if (tokens[i].equals(LogTemplate.WILDCARD)) {
                        equal++;
                    }
                } else if (template[i].equals(tokens[i])) {
                    equal++;
                }
            }
            double similarity = (double) equal / template.length;
            if (similarity > bestSimilarity || (similarity == bestSimilarity && wildcards > bestWildcards)) {
                best = candidate;
                bestSimilarity = similarity;
                bestWildcards = wildcards;
            }
        }
        return bestSimilarity >= settings.similarity() ? best : null;
    }

    /** Stable across restarts and instances: derived from the template's first form. */
    private static String idFor(String[] tokens) {
        return UUID.nameUUIDFromBytes(String.join(" ", tokens).getBytes(StandardCharsets.UTF_8)).toString().substring(0, 13);
    }

    private static boolean allDigits(String token) {
        for (int i = 0; i < token.length(); i++) {
            if (!Character.isDigit(token.charAt(i))) {
                return false;
            }
        }
        return !token.isEmpty();
    }

    private static boolean hasDigit(String token) {
        for (int i = 0; i < token.length(); i++) {
            if (Character.isDigit(token.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static final class Node {
        final Map<String, Node> children = new HashMap<>();
        final List<LogTemplate> templates = new ArrayList<>();

        Node child(String token) {
            return children.computeIfAbsent(token, t -> new Node());
        }
    }
}
