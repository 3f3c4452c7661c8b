package dev.faultline.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CompatibilityLevelTest {
    private static final Schema V1 = schema("{\"name\":\"a\",\"type\":\"string\"}");
    private static final Schema V2_OPTIONAL = schema("{\"name\":\"a\",\"type\":\"string\"},"
        + "{\"name\":\"b\",\"type\":[\"null\",\"string\"],\"default\":null}");
    private static final Schema V2_REQUIRED = schema("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"string\"}");
    private static final Schema V3_DROPPED_A = schema("{\"name\":\"b\",\"type\":[\"null\",\"string\"],\"default\":null}");

    private static Schema schema(String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + fields + "]}");
    }

    @Test
    void shouldAcceptAnAddedOptionalFieldUnderBackward() {
        assertThat(CompatibilityLevel.BACKWARD.check(V2_OPTIONAL, List.of(V1))).isEmpty();
    }

    @Test
    void shouldRejectAnAddedRequiredFieldUnderBackwardAndNameIt() {
        assertThat(CompatibilityLevel.BACKWARD.check(V2_REQUIRED, List.of(V1)))
            .singleElement().asString().contains("READER_FIELD_MISSING_DEFAULT").contains("b");
    }

    @Test
    void shouldRejectARemovedRequiredFieldUnderForward() {
        assertThat(CompatibilityLevel.FORWARD.check(V3_DROPPED_A, List.of(V2_OPTIONAL))).isNotEmpty();
        assertThat(CompatibilityLevel.BACKWARD.check(V3_DROPPED_A, List.of(V2_OPTIONAL))).isEmpty();
    }

    @Test
    void shouldCheckOnlyTheLatestUnlessTransitive() {
        // Reading V2_REQUIRED data is fine for itself, but V1 data lacks 'b'.
        List<Schema> history = List.of(V1, V2_REQUIRED);
        assertThat(CompatibilityLevel.BACKWARD.check(V2_REQUIRED, history)).isEmpty();
        assertThat(CompatibilityLevel.BACKWARD_TRANSITIVE.check(V2_REQUIRED, history)).isNotEmpty();
    }

    @Test
    void shouldAcceptAnythingUnderNone() {
        assertThat(CompatibilityLevel.NONE.check(V2_REQUIRED, List.of(V1))).isEmpty();
    }
}
