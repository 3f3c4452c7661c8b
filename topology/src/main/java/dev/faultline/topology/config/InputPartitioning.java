package dev.faultline.topology.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How input records reach the task that holds their service's state ({@code analyzer.input.keyed-by-service}).
 * A producer that keys telemetry by service with Kafka's default partitioner already writes each record
 * there; reading it in place saves a second write, fetch and decoding of every record.
 */
public enum InputPartitioning {
    /** {@code false}: every record through the repartition by service, wherever it was written. */
    REPARTITION("false"),
    /** {@code true}: every record read in place; one read outside its service's partition is dead-lettered. */
    IN_PLACE("true"),
    /**
     * {@code auto}: read in place until a task meets a record outside its service's partition; from then on that task
     * routes all its records through the repartition topic, so its windows never see a record read in place race
     * ahead of one that took the detour.
     */
    AUTO("auto");

    private final String setting;

    InputPartitioning(String setting) {
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }

    static InputPartitioning parse(String key, String text) {
        String value = text.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.setting.equals(value)).findFirst()
            .orElseThrow(() -> new InvalidConfigException(key, text,
                Arrays.stream(values()).map(InputPartitioning::setting).collect(Collectors.joining(", ", "one of ", ""))));
    }
}
