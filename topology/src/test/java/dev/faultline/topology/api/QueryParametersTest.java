package dev.faultline.topology.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.faultline.schema.FaultKind;

class QueryParametersTest {
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final Set<String> WINDOW_PARAMS = Set.of("from", "to", "limit");

    @Test
    void shouldDefaultTheRangeToTheLastHourBeforeNow() {
        Instant[] range = QueryParameters.parse(null, WINDOW_PARAMS).range(NOW, Duration.ofHours(1), Duration.ofDays(7));
        assertThat(range).containsExactly(NOW.minus(Duration.ofHours(1)), NOW);
    }

    @Test
    void shouldAcceptIsoInstantsAndEpochMillis() {
        QueryParameters params = QueryParameters.parse("from=2026-11-21T10:00:00Z&to=" + NOW.toEpochMilli() + "&limit=5", WINDOW_PARAMS);
        assertThat(params.range(NOW, Duration.ofHours(1), Duration.ofDays(7)))
            .containsExactly(Instant.parse("2026-11-21T10:00:00Z"), NOW);
        assertThat(params.limit(1000, 1000)).isEqualTo(5);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bogus=1|unknown parameter 'bogus'; accepted: [from, limit, to]",
        "from=yesterday|from must be an ISO-8601 instant (2026-11-21T10:00:00Z) or epoch milliseconds",
        "from=2026-11-21T11:00:00Z&to=2026-11-21T10:00:00Z|from must not be after to",
        "from=2026-11-01T00:00:00Z|the range may span at most 168 h",
        "limit=0|limit must be a whole number in [1, 1000]",
        "limit=ten|limit must be a whole number in [1, 1000]",
    })
    void shouldRefuseBadParametersWithA400SayingWhy(String query, String message) {
        assertThatThrownBy(() -> {
            QueryParameters params = QueryParameters.parse(query, WINDOW_PARAMS);
            params.range(NOW, Duration.ofHours(1), Duration.ofDays(7));
            params.limit(1000, 1000);
        }).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400)).hasMessage(message);
    }

    @Test
    void shouldParseEnumsCaseInsensitivelyAndRefuseUnknownOnes() {
        assertThat(QueryParameters.parse("kind=high_error_rate", Set.of("kind")).enumValue("kind", FaultKind.class))
            .contains(FaultKind.HIGH_ERROR_RATE);
        assertThatThrownBy(() -> QueryParameters.parse("kind=SCARY", Set.of("kind")).enumValue("kind", FaultKind.class))
            .hasMessageStartingWith("kind must be one of [CONNECTION_TIMEOUT");
    }

    @Test
    void shouldEscapeUserTextBeforeItReachesALogOrAMessage() {
        assertThat(ApiServer.printable("pay\nments\u0000")).isEqualTo("pay\\u000aments\\u0000");
        assertThat(ApiServer.printable("x".repeat(500))).hasSize(200);
        assertThatThrownBy(() -> QueryParameters.parse("evil%0Aline=1", Set.of()))
            .hasMessageStartingWith("unknown parameter 'evil\\u000aline'");
    }

    @Test
    void shouldOrderServicesWorstFirst() {
        List<JsonNode> services = new java.util.ArrayList<>(List.of(
            service("a", "NONE", null, 0), service("b", "LEVEL_1", "LOW", 1), service("c", "LEVEL_1", "CRITICAL", 1),
            service("d", "EMERGENCY", "CRITICAL", 1), service("e", "NONE", "HIGH", 2)));
        services.sort(ServiceOrder.MOST_SEVERE_FIRST);
        assertThat(services).extracting(s -> s.path("service").asText()).containsExactly("d", "c", "b", "e", "a");
    }

    @Test
    void shouldStayLiveThroughAFewThreadDeathsButNotMany() {
        MutableClock clock = new MutableClock(NOW);
        Health health = new Health(null, clock);
        for (int i = 0; i < Health.MAX_THREAD_DEATHS; i++) {
            health.threadReplaced();
        }
        assertThat(health.threadDeathsWithinWindow()).isEqualTo(Health.MAX_THREAD_DEATHS);
        health.threadReplaced();
        assertThat(health.threadDeathsWithinWindow()).isEqualTo(Health.MAX_THREAD_DEATHS + 1);
        clock.now = NOW.plus(Health.DEATH_WINDOW).plusSeconds(1);
        assertThat(health.threadDeathsWithinWindow()).isZero();
    }

    private static JsonNode service(String name, String level, String worst, int faults) {
        return AvroJson.MAPPER.createObjectNode().put("service", name).put("level", level).put("worstSeverity", worst).put("activeFaults", faults);
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
