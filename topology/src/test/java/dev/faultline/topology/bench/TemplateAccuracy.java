package dev.faultline.topology.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.faultline.topology.domain.templates.MinerSettings;
import dev.faultline.topology.domain.templates.TemplateMiner;

/**
 * Grouping accuracy and speed of the template miner on the labelled Loghub samples, with the
 * same settings for every dataset. Run:
 * {@code mvn -pl topology exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.faultline.topology.bench.TemplateAccuracy -Dexec.args=../shared/data/loghub}
 * (optionally followed by a similarity threshold and a depth, to compare global settings).
 */
public final class TemplateAccuracy {
    public static final Map<String, Double> PUBLISHED_DRAIN = published();
    private static final int SPEED_ROUNDS = 20;

    private TemplateAccuracy() {
    }

    private static Map<String, Double> published() {
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("HDFS", 0.998);
        p.put("Hadoop", 0.948);
        p.put("Spark", 0.920);
        p.put("Zookeeper", 0.967);
        p.put("BGL", 0.963);
        p.put("HPC", 0.887);
        p.put("Thunderbird", 0.955);
        p.put("Linux", 0.690);
        p.put("Android", 0.911);
        p.put("Apache", 1.000);
        p.put("OpenSSH", 0.788);
        p.put("OpenStack", 0.733);
        return p;
    }

    /** One labelled line: the message part and its true template id. */
    public record Line(String content, String eventId) {
    }

    public static List<Line> read(Path loghub, String dataset) throws IOException {
        Path csv = loghub.resolve(dataset).resolve(dataset + "_2k.log_structured.csv");
        List<List<String>> rows = Csv.read(csv);
        List<String> header = rows.get(0);
        int content = header.indexOf("Content");
        int event = header.indexOf("EventId");
        List<Line> lines = new ArrayList<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            lines.add(new Line(row.get(content), row.get(event)));
        }
        return lines;
    }

    /** Share of lines whose predicted group is exactly their true group. */
    public static double groupingAccuracy(List<Line> lines, MinerSettings settings) {
        TemplateMiner miner = new TemplateMiner(settings);
        List<dev.faultline.topology.domain.templates.LogTemplate> assigned = new ArrayList<>();
        for (Line line : lines) {
            assigned.add(miner.add(line.content()).template());
        }
        Map<Object, List<Integer>> predicted = new HashMap<>();
        Map<String, List<Integer>> truth = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            // Templates are objects that generalise in place: group by identity.
            predicted.computeIfAbsent(assigned.get(i), k -> new ArrayList<>()).add(i);
            truth.computeIfAbsent(lines.get(i).eventId(), k -> new ArrayList<>()).add(i);
        }
        int right = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (predicted.get(assigned.get(i)).equals(truth.get(lines.get(i).eventId()))) {
                right++;
            }
        }
        return (double) right / lines.size();
    }

    public static void main(String[] args) throws IOException {
        Path loghub = Path.of(args.length > 0 ? args[0] : "../shared/data/loghub");
        MinerSettings defaults = MinerSettings.DEFAULT;
        // Optional overrides, for exploring one global setting at a time: similarity, depth.
        MinerSettings settings = new MinerSettings(args.length > 2 ? Integer.parseInt(args[2]) : defaults.depth(),
            args.length > 1 ? Double.parseDouble(args[1]) : defaults.similarity(), defaults.maxChildren(), defaults.maxTemplates(),
            defaults.masks());
        System.out.printf("settings: depth %d, similarity %.2f, max children %d, masks %s%n", settings.depth(), settings.similarity(),
            settings.maxChildren(), settings.masks().stream().map(MinerSettings.Mask::name).toList());
        System.out.printf("%-12s %9s %9s %8s %12s%n", "dataset", "accuracy", "Drain", "diff", "lines/s");
        double sum = 0;
        double publishedSum = 0;
        long totalLines = 0;
        double totalSeconds = 0;
        for (Map.Entry<String, Double> dataset : PUBLISHED_DRAIN.entrySet()) {
            List<Line> lines = read(loghub, dataset.getKey());
            double accuracy = groupingAccuracy(lines, settings);
            // Speed: the miner alone over the dataset, repeated, on one thread, after a warm-up.
            for (int i = 0; i < 3; i++) {
                mine(lines, settings);
            }
            long start = System.nanoTime();
            for (int i = 0; i < SPEED_ROUNDS; i++) {
                mine(lines, settings);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double rate = lines.size() * SPEED_ROUNDS / seconds;
            totalLines += (long) lines.size() * SPEED_ROUNDS;
            totalSeconds += seconds;
            sum += accuracy;
            publishedSum += dataset.getValue();
            System.out.printf("%-12s %9.4f %9.3f %+8.4f %,12.0f%n", dataset.getKey(), accuracy, dataset.getValue(),
                accuracy - dataset.getValue(), rate);
        }
        int n = PUBLISHED_DRAIN.size();
        System.out.printf("%-12s %9.4f %9.4f %+8.4f %,12.0f%n", "average", sum / n, publishedSum / n, (sum - publishedSum) / n,
            totalLines / totalSeconds);
    }

    private static void mine(List<Line> lines, MinerSettings settings) {
        TemplateMiner miner = new TemplateMiner(settings);
        for (Line line : lines) {
            miner.add(line.content());
        }
    }

    /** RFC 4180 CSV: quoted fields with doubled quotes; the Loghub files use nothing more. */
    static final class Csv {
        static List<List<String>> read(Path file) throws IOException {
            List<List<String>> rows = new ArrayList<>();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                List<String> row = new ArrayList<>();
                StringBuilder field = new StringBuilder();
                boolean quoted = false;
                int c;
                while ((c = in.read()) != -1) {
                    char ch = (char) c;
                    if (quoted) {
                        if (ch == '"') {
                            in.mark(1);
                            int next = in.read();
                            if (next == '"') {
                                field.append('"');
                            } else {
                                quoted = false;
                                if (next != -1) {
                                    in.reset();
                                }
                            }
                        } else {
                            field.append(ch);
                        }
                    } else if (ch == '"') {
                        quoted = true;
                    } else if (ch == ',') {
                        row.add(field.toString());
                        field.setLength(0);
                    } else if (ch == '\n') {
                        row.add(field.toString());
                        field.setLength(0);
                        rows.add(row);
                        row = new ArrayList<>();
                    } else if (ch != '\r') {
                        field.append(ch);
                    }
                }
                if (field.length() > 0 || !row.isEmpty()) {
                    row.add(field.toString());
                    rows.add(row);
                }
            }
            return rows;
        }
    }
}
