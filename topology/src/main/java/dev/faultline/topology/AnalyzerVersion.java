package dev.faultline.topology;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The analyzer's own version, stamped on every output record. */
public final class AnalyzerVersion {
    public static final String VERSION = load();

    private AnalyzerVersion() {
    }

    private static String load() {
        try (InputStream in = AnalyzerVersion.class.getResourceAsStream("version.properties")) {
            Properties props = new Properties();
            props.load(in);
            return props.getProperty("version");
        } catch (IOException | NullPointerException e) {
            throw new UncheckedIOException(new IOException("version.properties missing from the build", e));
        }
    }
}
