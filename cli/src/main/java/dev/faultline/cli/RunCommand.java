package dev.faultline.cli;

import java.util.concurrent.Callable;

import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.faultline.topology.AnalyzerVersion;
import dev.faultline.topology.app.Analyzer;
import dev.faultline.topology.config.AnalyzerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** One analyzer instance until SIGTERM or Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Runs one analyzer instance until SIGTERM or Ctrl-C.",
        "Start several with the same application.id to share the work; each answers queries for all."})
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    Settings settings;

    @Override
    public Integer call() throws Exception {
        AnalyzerConfig config = settings.load();
        LOG.info("faultline {} starting as {} on {}", AnalyzerVersion.VERSION, config.applicationId(),
            config.kafka().get("bootstrap.servers"));
        Analyzer analyzer = Analyzer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(analyzer::close, "faultline-shutdown"));
        analyzer.awaitStop();
        if (analyzer.state() == KafkaStreams.State.ERROR) {
            LOG.error("Kafka Streams failed; exiting");
            return Faultline.FAILED;
        }
        return 0;
    }
}
