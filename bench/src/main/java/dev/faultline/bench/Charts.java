package dev.faultline.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

/** The benchmarks' PNGs: throughput, lag and memory over time (Java2D, headless). */
final class Charts {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
        new Color(0x393b79), new Color(0xad494a)}; // twelve: three pairs of runs for each of two guarantees
    private static final int WIDTH = 1200;
    private static final int PANEL = 380;

    private Charts() {
    }

    /** One line of a panel. */
    private record Series(double[] seconds, double[] values) {
        static Series of(LoadBenchmark.Run run, double[] values) {
            return new Series(run.samples().stream().mapToDouble(LoadBenchmark.Sample::seconds).toArray(), values);
        }
    }

    static void throughputAndLag(List<LoadBenchmark.Run> runs, Path file) throws IOException {
        List<String> legend = runs.stream().map(run -> String.format("%s, %s, %,d services, run %d: %,.0f records/s sustained",
            run.topology(), run.guarantee(), run.services(), run.repeat(), run.recordsPerSecond())).toList();
        draw(file, legend,
            new Panel("input records/s (per sample)", runs.stream().map(run -> Series.of(run, rates(run))).toList()),
            new Panel("consumer lag (records not yet consumed)",
                runs.stream().map(run -> Series.of(run, run.samples().stream().mapToDouble(LoadBenchmark.Sample::lag).toArray())).toList()));
    }

    /** The steady-state run: memory (MiB) and lag over time. */
    static void memory(LoadBenchmark.Run run, Path file) throws IOException {
        java.util.function.Function<java.util.function.ToLongFunction<LoadBenchmark.Sample>, Series> mib = measure ->
            Series.of(run, run.samples().stream().mapToDouble(s -> measure.applyAsLong(s) / 1048576.0).toArray());
        draw(file, List.of("heap in use after the latest collection", "resident set", "RocksDB block cache (memtables included)"),
            new Panel(String.format("memory, MiB (%,d services, %s)", run.services(), run.guarantee()),
                List.of(mib.apply(LoadBenchmark.Sample::heapBytes), mib.apply(LoadBenchmark.Sample::rssBytes),
                    mib.apply(LoadBenchmark.Sample::rocksDbBytes))),
            new Panel("consumer lag (records not yet consumed)",
                List.of(Series.of(run, run.samples().stream().mapToDouble(LoadBenchmark.Sample::lag).toArray()))));
    }

    private record Panel(String title, List<Series> series) {
    }

    private static void draw(Path file, List<String> legend, Panel... panels) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, panels.length * PANEL + 60 + 22 * legend.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        for (int i = 0; i < panels.length; i++) {
            panel(g, panels[i], i * PANEL);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int i = 0; i < legend.size(); i++) {
            int y = panels.length * PANEL + 40 + 22 * i;
            g.setColor(COLORS[i % COLORS.length]);
            g.fillRect(70, y - 10, 20, 10);
            g.setColor(Color.BLACK);
            g.drawString(legend.get(i), 100, y);
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static double[] rates(LoadBenchmark.Run run) {
        List<LoadBenchmark.Sample> s = run.samples();
        double[] rates = new double[s.size()];
        for (int i = 1; i < s.size(); i++) {
            double dt = s.get(i).seconds() - s.get(i - 1).seconds();
            rates[i] = dt > 0 ? (s.get(i).consumed() - s.get(i - 1).consumed()) / dt : 0;
        }
        return rates;
    }

    private static void panel(Graphics2D g, Panel panel, int top) {
        int left = 90;
        int right = WIDTH - 30;
        int plotTop = top + 40;
        int bottom = top + PANEL - 30;
        double maxT = panel.series().stream().mapToDouble(s -> s.seconds()[s.seconds().length - 1]).max().orElse(1);
        double maxV = panel.series().stream().flatMapToDouble(s -> java.util.Arrays.stream(s.values())).max().orElse(1);
        maxV = maxV <= 0 ? 1 : maxV * 1.05;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(panel.title(), left, top + 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawLine(left, bottom, right, bottom);
        g.drawLine(left, plotTop, left, bottom);
        for (int i = 0; i <= 4; i++) {
            int y = bottom - (bottom - plotTop) * i / 4;
            g.setColor(new Color(0xdddddd));
            g.drawLine(left + 1, y, right, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format("%,.0f", maxV * i / 4), 5, y + 4);
            int x = left + (right - left) * i / 4;
            g.drawString(String.format("%.0f s", maxT * i / 4), x - 10, bottom + 15);
        }
        g.setStroke(new BasicStroke(1.6f));
        for (int r = 0; r < panel.series().size(); r++) {
            Series series = panel.series().get(r);
            double[] t = series.seconds();
            double[] v = series.values();
            g.setColor(COLORS[r % COLORS.length]);
            for (int i = 1; i < v.length; i++) {
                int x1 = left + (int) ((right - left) * t[i - 1] / maxT);
                int x2 = left + (int) ((right - left) * t[i] / maxT);
                int y1 = bottom - (int) ((bottom - plotTop) * v[i - 1] / maxV);
                int y2 = bottom - (int) ((bottom - plotTop) * v[i] / maxV);
                g.drawLine(x1, y1, x2, y2);
            }
        }
    }
}
