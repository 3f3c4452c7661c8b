package dev.faultline.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.avro.generic.GenericRecord;

/**
 * What "nothing lost" means at least once. A record processed twice after a crash is counted
 * twice in its window, and the decisions taken on that window may then differ from a run
 * without crashes (a level reached one window earlier). So, against the reference run:
 * <ul>
 * <li>every reference window has one about the same service, operation and time that counts at
 * least as many requests, errors and logs of each severity and kind;</li>
 * <li>every reference classified log has one about the same record;</li>
 * <li>a service's fault events and degradation changes are the reference's, none missing and none
 * added, up to its first window whose content differs from the reference's; later ones depend
 * on what was counted twice and are only counted.</li>
 * </ul>
 */
final class AtLeastOnceCheck {
    private static final List<String> COUNTS = List.of("requestCount", "errorCount");
    private static final List<String> COUNTS_BY_NAME = List.of("logsBySeverity", "logsByKind");

    record Result(int windowsChecked, List<String> undercountedWindows, long windowsCountingMore, List<String> logsMissing,
                  int decisionsChecked, List<String> decisionsMissing, List<String> decisionsAdded,
                  int servicesWithDifferentWindows, int decisionsAfterDifferentWindows) {
        boolean nothingLost() {
            return undercountedWindows.isEmpty() && logsMissing.isEmpty() && decisionsMissing.isEmpty() && decisionsAdded.isEmpty();
        }

        @Override
        public String toString() {
            return String.format("%,d reference windows checked: %d counting less, %d counting more; %d classified logs missing; "
                    + "%,d decisions checked before a service's windows differed: %d missing, %d added; "
                    + "%d services' windows differed, %d decisions after that not compared",
                windowsChecked, undercountedWindows.size(), windowsCountingMore, logsMissing.size(), decisionsChecked,
                decisionsMissing.size(), decisionsAdded.size(), servicesWithDifferentWindows, decisionsAfterDifferentWindows);
        }
    }

    private AtLeastOnceCheck() {
    }

    static Result of(List<TopicOutput> reference, List<TopicOutput> run) {
        Map<String, List<GenericRecord>> runByAbout = run.stream()
            .collect(Collectors.groupingBy(TopicOutput::about, Collectors.mapping(TopicOutput::value, Collectors.toList())));
        Set<String> runLines = run.stream().map(TopicOutput::line).collect(Collectors.toSet());
        Set<String> referenceLines = reference.stream().map(TopicOutput::line).collect(Collectors.toSet());

        int windowsChecked = 0;
        long windowsCountingMore = 0;
        List<String> undercounted = new ArrayList<>();
        List<String> logsMissing = new ArrayList<>();
        for (TopicOutput expected : distinct(reference, o -> true)) {
            List<GenericRecord> candidates = runByAbout.getOrDefault(expected.about(), List.of());
            if (expected.role().equals(TopicOutput.WINDOW_STATS)) {
                windowsChecked++;
                if (candidates.stream().noneMatch(c -> countsAtLeast(c, expected.value()))) {
                    undercounted.add(expected.line());
                } else if (!runLines.contains(expected.line())) {
                    windowsCountingMore++;
                }
            } else if (expected.role().equals(TopicOutput.CLASSIFIED_LOGS) && candidates.isEmpty()) {
                logsMissing.add(expected.line());
            }
        }

        Map<String, Long> differentFrom = firstDifferentWindow(reference, run, referenceLines, runLines);
        int decisionsChecked = 0;
        int decisionsAfter = 0;
        List<String> missing = new ArrayList<>();
        for (TopicOutput decision : distinct(reference, TopicOutput::decision)) {
            if (decision.time() < differentFrom.getOrDefault(decision.service(), Long.MAX_VALUE)) {
                decisionsChecked++;
                if (!runLines.contains(decision.line())) {
                    missing.add(decision.line());
                }
            } else {
                decisionsAfter++;
            }
        }
        List<String> added = distinct(run, TopicOutput::decision).stream()
            .filter(d -> d.time() < differentFrom.getOrDefault(d.service(), Long.MAX_VALUE))
            .map(TopicOutput::line).filter(line -> !referenceLines.contains(line)).toList();
        return new Result(windowsChecked, undercounted, windowsCountingMore, logsMissing, decisionsChecked, missing, added,
            differentFrom.size(), decisionsAfter);
    }

    /** Per service, the time of its first window (in either run) that the other run has not got with the same content. */
    private static Map<String, Long> firstDifferentWindow(List<TopicOutput> reference, List<TopicOutput> run,
                                                         Set<String> referenceLines, Set<String> runLines) {
        Map<String, Long> first = new HashMap<>();
        reference.stream().filter(w -> w.role().equals(TopicOutput.WINDOW_STATS) && !runLines.contains(w.line()))
            .forEach(w -> first.merge(w.service(), w.time(), Math::min));
        run.stream().filter(w -> w.role().equals(TopicOutput.WINDOW_STATS) && !referenceLines.contains(w.line()))
            .forEach(w -> first.merge(w.service(), w.time(), Math::min));
        return first;
    }

    /** One of each record (a record processed twice is one fact, written twice). */
    private static Collection<TopicOutput> distinct(List<TopicOutput> outputs, Predicate<TopicOutput> which) {
        return outputs.stream().filter(which)
            .collect(Collectors.toMap(TopicOutput::line, o -> o, (first, again) -> first, LinkedHashMap::new)).values();
    }

    private static boolean countsAtLeast(GenericRecord run, GenericRecord reference) {
        for (String count : COUNTS) {
            if ((Long) run.get(count) < (Long) reference.get(count)) {
                return false;
            }
        }
        for (String byName : COUNTS_BY_NAME) {
            Map<?, ?> got = (Map<?, ?>) run.get(byName);
            Map<?, ?> expected = (Map<?, ?>) reference.get(byName);
            for (Map.Entry<?, ?> e : expected.entrySet()) {
                Object value = got.get(e.getKey());
                if (value == null || (Long) value < (Long) e.getValue()) {
                    return false;
                }
            }
        }
        return true;
    }
}
