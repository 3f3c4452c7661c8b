package dev.faultline.cli;

import java.time.Duration;

import dev.faultline.generator.ScenarioReader;
import picocli.CommandLine;

/** Command-line durations as in scenario files: 500ms, 30s, 2m, 1h (a bare number is seconds). */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String text = value.matches("\\d+") ? value + "s" : value;
        return ScenarioReader.parseDuration(text).filter(d -> !d.isZero())
            .orElseThrow(() -> new CommandLine.TypeConversionException("'" + value + "' is not a positive duration such as 90, 30s, 2m or 1h"));
    }
}
