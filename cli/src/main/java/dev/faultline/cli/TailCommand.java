package dev.faultline.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.faultline.serde.AvroSerde;
import dev.faultline.topology.config.AnalyzerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "tail", mixinStandardHelpOptions = true,
    description = {"Prints a topic's records as JSON lines.",
        "Avro's JSON encoding, with the writer's schema from the registry; committed records only.",
        "Without --follow it stops at the end of the topic as it was when it started."})
final class TailCommand implements Callable<Integer> {
    @Mixin
    Settings settings;

    @Parameters(paramLabel = "TOPIC", arity = "0..1",
        description = "Topic to read, or one of: fault-events, degradation-changes, window-stats, classified-logs, dead-letters, "
            + "requests, metrics, logs (the configured names). Default: fault-events.")
    String topic = "fault-events";

    @Option(names = {"-f", "--follow"}, description = "Keep printing new records until Ctrl-C.")
    boolean follow;

    @Option(names = "--from-beginning", description = "Start at the oldest record (default: the last --lines records per partition).")
    boolean fromBeginning;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "10", description = "Records per partition to start from (default: ${DEFAULT-VALUE}).")
    long lines;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AnalyzerConfig config = settings.load();
        String name = resolve(config, topic);
        Map<String, Object> consumerSettings = config.clientSettings(ConsumerConfig.configNames());
        consumerSettings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerSettings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        AvroSerde<GenericRecord> serde = AvroSerde.generic();
        serde.configure(config.kafka(), false);
        PrintWriter out = spec.commandLine().getOut();
        AtomicBoolean stop = new AtomicBoolean();
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                main.join(5_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try (KafkaConsumer<byte[], GenericRecord> consumer = new KafkaConsumer<>(consumerSettings, new ByteArrayDeserializer(), serde.deserializer())) {
            var infos = consumer.partitionsFor(name, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new Errors.UsageException("topic " + name + " does not exist");
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(name, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
            for (TopicPartition partition : partitions) {
                consumer.seek(partition, fromBeginning ? begins.get(partition) : Math.max(begins.get(partition), ends.get(partition) - lines));
            }
            while (!stop.get()) {
                for (ConsumerRecord<byte[], GenericRecord> record : consumer.poll(Duration.ofMillis(200))) {
                    out.println(record.value() == null ? "null" : InputRecords.toJson(record.value()));
                }
                out.flush();
                if (!follow && partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p))) {
                    break;
                }
            }
        } finally {
            if (!stop.get()) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        return 0;
    }

    static String resolve(AnalyzerConfig config, String topic) {
        return switch (topic) {
            case "fault-events" -> config.topics().faultEvents();
            case "degradation-changes" -> config.topics().degradationChanges();
            case "window-stats" -> config.topics().windowStats();
            case "classified-logs" -> config.topics().classifiedLogs();
            case "dead-letters" -> config.topics().deadLetters();
            case "requests" -> config.topics().requests();
            case "metrics" -> config.topics().metrics();
            case "logs" -> config.topics().logs();
            default -> topic;
        };
    }
}
