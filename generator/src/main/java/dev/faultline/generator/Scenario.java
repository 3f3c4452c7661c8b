package dev.faultline.generator;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A declarative incident: services at baseline and the faults injected into them. See {@link ScenarioReader}. */
public record Scenario(String name, String description, Duration duration, long seed, double dailyAmplitude,
                       List<ServiceProfile> services, List<InjectedFault> faults) {

    public Optional<ServiceProfile> service(String service) {
        return services.stream().filter(s -> s.name().equals(service)).findFirst();
    }

    /** The scenario played over {@code newDuration}: every fault's offsets scale with it. */
    public Scenario over(Duration newDuration) {
        double factor = (double) newDuration.toMillis() / duration.toMillis();
        return new Scenario(name, description, newDuration, seed, dailyAmplitude, services,
            faults.stream().map(f -> f.scaled(factor)).toList());
    }
}
