package dev.faultline.topology.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The query string of an API call, validated: unknown parameters, bad times, ranges larger
 * than allowed and limits out of bounds are refused with a 400 that says which and why.
 */
public final class QueryParameters {
    private final Map<String, String> values;

    private QueryParameters(Map<String, String> values) {
        this.values = values;
    }

    public static QueryParameters parse(String rawQuery, Set<String> allowed) {
        Map<String, String> values = new HashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (!allowed.contains(name)) {
                    throw ApiException.badRequest("unknown parameter '" + ApiServer.printable(name) + "'; accepted: " + new java.util.TreeSet<>(allowed));
                }
                values.put(name, value);
            }
        }
        return new QueryParameters(values);
    }

    public Optional<String> text(String name) {
        return Optional.ofNullable(values.get(name)).filter(v -> !v.isEmpty());
    }

    public boolean flag(String name) {
        String value = values.get(name);
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "", "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest(name + " must be true or false");
        };
    }

    public Optional<Instant> time(String name) {
        return text(name).map(v -> {
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException e) {
                try {
                    return Instant.ofEpochMilli(Long.parseLong(v));
                } catch (NumberFormatException notMillis) {
                    throw ApiException.badRequest(name + " must be an ISO-8601 instant (2026-11-21T10:00:00Z) or epoch milliseconds");
                }
            }
        });
    }

    /** [from, to], defaulting to the last {@code defaultSpan} before now, refused when longer than {@code maxRange}. */
    public Instant[] range(Instant now, Duration defaultSpan, Duration maxRange) {
        Instant to = time("to").orElse(now);
        Instant from = time("from").orElse(to.minus(defaultSpan));
        if (from.isAfter(to)) {
            throw ApiException.badRequest("from must not be after to");
        }
        if (Duration.between(from, to).compareTo(maxRange) > 0) {
            throw ApiException.badRequest("the range may span at most " + maxRange.toHours() + " h");
        }
        return new Instant[] {from, to};
    }

    public int limit(int defaultLimit, int max) {
        return text("limit").map(v -> {
            try {
                int limit = Integer.parseInt(v);
                if (limit >= 1 && limit <= max) {
                    return limit;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw ApiException.badRequest("limit must be a whole number in [1, " + max + "]");
        }).orElse(Math.min(defaultLimit, max));
    }

    public <E extends Enum<E>> Optional<E> enumValue(String name, Class<E> type) {
        return text(name).map(v -> {
            try {
                return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(name + " must be one of " + EnumSet.allOf(type));
            }
        });
    }
}
