package dev.faultline.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import dev.faultline.serde.CompatibilityLevel;

/**
 * The build's guard on the contracts: every topic record must stay readable, by the
 * current schema, in every form it was released in (released/<version>/, written by
 * {@link SchemaSnapshot}). A breaking change to an .avsc fails this test and so the build.
 */
class SchemaCompatibilityGateTest {
    private static final Path RELEASED = Path.of("released");

    @TestFactory
    Stream<DynamicTest> currentSchemasReadEveryReleasedVersion() throws IOException {
        Map<String, Schema> current = TopicRecords.ALL.stream().collect(Collectors.toMap(Schema::getFullName, Function.identity()));
        List<Path> releasedFiles;
        try (Stream<Path> files = Files.walk(RELEASED)) {
            releasedFiles = files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
        }
        assertThat(releasedFiles).as("released schema snapshots under %s", RELEASED.toAbsolutePath()).isNotEmpty();
        return releasedFiles.stream().map(file -> DynamicTest.dynamicTest(RELEASED.relativize(file).toString(), () -> {
            Schema released = new Schema.Parser().parse(file.toFile());
            Schema now = current.get(released.getFullName());
            assertThat(now).as("topic record %s was released and must still exist", released.getFullName()).isNotNull();
            assertThat(CompatibilityLevel.BACKWARD.check(now, List.of(released)))
                .as("current %s must read data written with %s", released.getFullName(), file)
                .isEmpty();
        }));
    }
}
