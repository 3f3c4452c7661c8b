package dev.faultline.generator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.FaultEventType;
import dev.faultline.schema.FaultKind;

/**
 * What a generator run injected, with wall-clock bounds, and which fault kinds the analyzer
 * should report for each: written as JSON lines next to the output, and scored against the
 * fault events the analyzer emitted.
 */
public record GroundTruth(String scenario, List<Injected> faults) {

    /** One injected fault; {@code upstream} are the services that call it, directly or not, and may feel it. */
    public record Injected(String id, FaultType type, String service, Optional<String> target, Optional<String> instance,
                           Instant start, Instant end, List<FaultKind> expected, List<String> upstream) {
    }

    /** One expected detection and whether (and how soon after the fault began) it happened. */
    public record Detection(Injected fault, FaultKind kind, Optional<Duration> delay) {
        public boolean detected() {
            return delay.isPresent();
        }
    }

    /** Detections, misses, and faults opened on services no injected fault could reach (false alarms). */
    public record Score(List<Detection> detections, List<FaultEvent> unexpected) {
        public long detected() {
            return detections.stream().filter(Detection::detected).count();
        }

        public List<Detection> missed() {
            return detections.stream().filter(d -> !d.detected()).toList();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static GroundTruth of(TelemetryGenerator generator) {
        Instant start = generator.start();
        return new GroundTruth(generator.scenario().name(), generator.scenario().faults().stream()
            .map(f -> new Injected(f.id(), f.type(), f.service(), f.target(), f.instance(), start.plus(f.start()), start.plus(f.end()),
                f.type().expectedKinds(), upstream(generator.scenario(), f.service())))
            .toList());
    }

    private static List<String> upstream(Scenario scenario, String service) {
        java.util.Set<String> callers = new java.util.TreeSet<>();
        java.util.Deque<String> pending = new java.util.ArrayDeque<>(List.of(service));
        while (!pending.isEmpty()) {
            String callee = pending.pop();
            scenario.services().stream().filter(s -> s.calls().contains(callee) && callers.add(s.name()))
                .forEach(s -> pending.push(s.name()));
        }
        callers.remove(service);
        return List.copyOf(callers);
    }

    /**
     * Scores fault events: an expected kind counts as detected when that service opened that
     * kind between the fault's start and {@code allowance} after its end.
     */
    public Score score(List<FaultEvent> events, Duration allowance) {
        List<FaultEvent> opened = events.stream().filter(e -> e.getType() == FaultEventType.OPENED).toList();
        List<Detection> detections = new ArrayList<>();
        for (Injected fault : faults) {
            for (FaultKind kind : fault.expected()) {
                Optional<Duration> delay = opened.stream()
                    .filter(e -> e.getService().equals(fault.service()) && e.getKind() == kind)
                    .filter(e -> !e.getEventTime().isBefore(fault.start()) && !e.getEventTime().isAfter(fault.end().plus(allowance)))
                    .map(e -> Duration.between(fault.start(), e.getEventTime()))
                    .min(Duration::compareTo);
                detections.add(new Detection(fault, kind, delay));
            }
        }
        List<FaultEvent> unexpected = opened.stream()
            .filter(e -> faults.stream().noneMatch(f -> f.service().equals(e.getService()) || f.upstream().contains(e.getService())))
            .toList();
        return new Score(detections, unexpected);
    }

    public void write(Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (Injected fault : faults) {
                ObjectNode line = JSON.createObjectNode()
                    .put("scenario", scenario).put("id", fault.id()).put("type", fault.type().id()).put("service", fault.service())
                    .put("start", fault.start().toString()).put("end", fault.end().toString());
                fault.target().ifPresent(t -> line.put("target", t));
                fault.instance().ifPresent(i -> line.put("instance", i));
                fault.expected().forEach(k -> line.withArray("expect").add(k.name()));
                fault.upstream().forEach(line.putArray("upstream")::add);
                out.write(JSON.writeValueAsString(line));
                out.newLine();
            }
        }
    }

    public static GroundTruth read(Path file) throws IOException {
        List<Injected> faults = new ArrayList<>();
        String scenario = "";
        for (String text : Files.readAllLines(file)) {
            if (text.isBlank()) {
                continue;
            }
            JsonNode line = JSON.readTree(text);
            scenario = line.path("scenario").asText();
            List<FaultKind> expected = new ArrayList<>();
            line.path("expect").forEach(k -> expected.add(FaultKind.valueOf(k.asText())));
            List<String> upstream = new ArrayList<>();
            line.path("upstream").forEach(s -> upstream.add(s.asText()));
            faults.add(new Injected(line.path("id").asText(), FaultType.byId(line.path("type").asText()).orElseThrow(),
                line.path("service").asText(), Optional.ofNullable(line.get("target")).map(JsonNode::asText),
                Optional.ofNullable(line.get("instance")).map(JsonNode::asText), Instant.parse(line.path("start").asText()),
                Instant.parse(line.path("end").asText()), List.copyOf(expected), List.copyOf(upstream)));
        }
        return new GroundTruth(scenario, List.copyOf(faults));
    }
}
