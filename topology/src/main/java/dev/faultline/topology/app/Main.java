package dev.faultline.topology.app;

import java.nio.file.Path;
import java.util.Optional;

import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.faultline.topology.AnalyzerVersion;
import dev.faultline.topology.config.AnalyzerConfig;
import dev.faultline.topology.config.ConfigLoader;
import dev.faultline.topology.config.InvalidConfigException;

/**
 * {@code faultline [--config FILE]}: runs one analyzer instance until SIGTERM/Ctrl-C.
 * Settings come from FILE (properties) with environment overrides, see {@link ConfigLoader}.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException, java.io.IOException {
        Optional<Path> file = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Optional.of(Path.of(args[++i]));
            } else {
                System.err.println("usage: faultline [--config FILE]");
                System.exit(2);
            }
        }
        AnalyzerConfig config;
        try {
            config = ConfigLoader.load(file, System.getenv());
        } catch (InvalidConfigException e) {
            System.err.println("faultline: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info("faultline {} starting as {} on {}", AnalyzerVersion.VERSION, config.applicationId(),
            config.kafka().get("bootstrap.servers"));
        Analyzer analyzer = Analyzer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(analyzer::close, "faultline-shutdown"));
        analyzer.awaitStop();
        if (analyzer.state() == KafkaStreams.State.ERROR) {
            LOG.error("Kafka Streams failed; exiting");
            System.exit(1);
        }
    }
}
