package dev.faultline.cli;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.stream.Collectors;

import dev.faultline.schema.DegradationChange;
import dev.faultline.schema.FaultEvent;

/** Fault events and level changes as one readable terminal line each, event time first. */
final class EventLines {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private EventLines() {
    }

    static String of(Object record) {
        if (record instanceof FaultEvent f) {
            return String.format("%s  FAULT %-8s %-9s %-22s %-8s %s", clock(f.getEventTime()), f.getType(), f.getService(),
                f.getKind(), f.getSeverity(), f.getEvidence().getSummary());
        }
        DegradationChange c = (DegradationChange) record;
        String deciding = c.getDeciding().stream()
            .map(m -> String.format("%s %.2f %s %.2f", m.getName(), m.getValue(), m.getComparison(), m.getThreshold()))
            .collect(Collectors.joining(", "));
        return String.format("%s  LEVEL %-8s %-9s %-22s %-8s %s", clock(c.getEventTime()), "", c.getService(),
            c.getFromLevel() + " -> " + c.getToLevel(), "", deciding);
    }

    static String clock(Instant instant) {
        return LocalTime.ofInstant(instant, ZoneId.systemDefault()).format(CLOCK);
    }
}
