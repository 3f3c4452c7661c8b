package dev.faultline.cli;

import java.io.PrintWriter;
import java.time.Duration;

/** A progress line on stderr, redrawn at most once a second: elapsed, records and rate. */
final class Progress {
    private final PrintWriter err;
    private final String what;
    private final long startNanos = System.nanoTime();
    private long lastDraw;

    Progress(PrintWriter err, String what) {
        this.err = err;
        this.what = what;
    }

    void update(long records, String position) {
        long now = System.nanoTime();
        if (now - lastDraw >= 1_000_000_000L) {
            lastDraw = now;
            draw(records, position);
        }
    }

    void done(long records, String position) {
        draw(records, position);
        err.println();
        err.flush();
    }

    private void draw(long records, String position) {
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        err.printf("\r%s %s  %,d records  %,.0f records/s   ", what, position, records, records / seconds);
        err.flush();
    }

    static String seconds(Duration elapsed, Duration total) {
        return String.format("%d/%d s", elapsed.toSeconds(), total.toSeconds());
    }
}
