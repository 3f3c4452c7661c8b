package dev.faultline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The README's run command as a user runs it: {@code java -jar cli/target/faultline.jar demo}
 * (what ops/demo.sh execs after building), in its own process, output read line by line.
 */
class DemoIT {
    private static final Path JAR = Path.of("target", "faultline.jar");

    private record Demo(Process process, List<String> lines, List<ProcessHandle> children, Thread reader) {
        boolean printed(String text) {
            return lines.stream().anyMatch(l -> l.contains(text));
        }

        /** Waits for the process to exit and for its last output to be read. */
        boolean exited(long minutes) throws InterruptedException {
            boolean exited = process.waitFor(minutes, TimeUnit.MINUTES);
            reader.join(10_000);
            return exited;
        }
    }

    @org.junit.jupiter.api.AfterEach
    void noDemoLeftBehind() {
        started.forEach(process -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        });
    }

    private final List<Process> started = new java.util.ArrayList<>();

    private Demo start(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar", JAR.toString(), "demo"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(process);
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(line -> {
                    lines.add(line);
                    System.out.println("demo| " + line);
                });
            } catch (java.io.IOException ignored) {
                // process gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        return new Demo(process, lines, new CopyOnWriteArrayList<>(), reader);
    }

    private static void awaitLine(Demo demo, String text, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!demo.printed(text)) {
            assertThat(Instant.now()).as("'%s' within %s; output so far:%n%s", text, timeout, String.join("\n", demo.lines())).isBefore(deadline);
            assertThat(demo.process().isAlive() || demo.printed(text)).as("demo exited early:%n%s", String.join("\n", demo.lines())).isTrue();
            TimeUnit.MILLISECONDS.sleep(200);
        }
        demo.process().toHandle().descendants().forEach(demo.children()::add);
    }

    @Test
    void theDefaultIncidentPlaysOutInOrderAndEverythingStops() throws Exception {
        Demo demo = start();
        awaitLine(demo, "analyzers RUNNING", Duration.ofMinutes(2));
        assertThat(demo.exited(4)).as("demo finishes by itself").isTrue();
        assertThat(demo.process().exitValue()).isZero();
        List<String> lines = demo.lines();
        assertThat(lines.stream().filter(l -> l.contains("Status page: http://127.0.0.1:"))).hasSize(2);
        // The story, in order: timeouts, levels climbing, disk, then recovery and step-down.
        assertThat(indexOf(lines, "injected: dependency-outage in payments"))
            .isLessThan(indexOf(lines, "FAULT OPENED   payments  CONNECTION_TIMEOUT"));
        assertThat(indexOf(lines, "FAULT OPENED   payments  CONNECTION_TIMEOUT")).isLessThan(indexOf(lines, "-> LEVEL_3"));
        assertThat(indexOf(lines, "LEVEL          payments  NONE -> LEVEL_")).isLessThan(indexOf(lines, "-> LEVEL_3"));
        assertThat(indexOf(lines, "FAULT OPENED   payments  DISK_SPACE_FULL"))
            .isGreaterThan(indexOf(lines, "injected: disk-exhaustion"));
        assertThat(indexOf(lines, "FAULT RESOLVED payments  HIGH_ERROR_RATE")).isGreaterThan(indexOf(lines, "ended: dependency-outage"));
        assertThat(indexOf(lines, "LEVEL_3 -> ")).isGreaterThan(indexOf(lines, "ended: dependency-outage"));
        assertThat(lines).contains("Detected 3 of 3 expected faults:");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("faultline demo: stopped; nothing left running.");
        assertThat(demo.children()).isNotEmpty().noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void interruptingItStopsEveryProcessItStarted() throws Exception {
        Demo demo = start("--instances", "1");
        awaitLine(demo, "analyzers RUNNING", Duration.ofMinutes(2));
        assertThat(demo.children()).hasSizeGreaterThanOrEqualTo(2).allMatch(ProcessHandle::isAlive);
        // SIGTERM: the same shutdown path as Ctrl-C's SIGINT (the JVM's shutdown hooks), which a
        // test cannot send reliably, as processes started in the background ignore SIGINT.
        demo.process().toHandle().destroy(); // Process.destroy() would also close our end of its output
        assertThat(demo.exited(2)).isTrue();
        for (ProcessHandle child : demo.children()) {
            child.onExit().get(30, TimeUnit.SECONDS);
        }
        assertThat(demo.children()).noneMatch(ProcessHandle::isAlive);
        assertThat(demo.lines()).contains("stopping ...", "faultline demo: stopped; nothing left running.");
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no line contains '" + text + "' in:\n" + String.join("\n", lines));
    }
}
