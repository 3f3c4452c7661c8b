package dev.faultline.local;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code LocalStack [--kafka-port 9092] [--registry-port 8081] [--data-dir .faultline/local]}:
 * a broker and a registry on loopback for running the analyzer by hand, with their data kept
 * in the data directory between runs. Ctrl-C stops both.
 */
public final class LocalStack {
    private LocalStack() {
    }

    public static void main(String[] args) throws InterruptedException {
        int kafkaPort = 9092;
        int registryPort = 8081;
        Path dataDir = Path.of(".faultline", "local");
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                usage();
            }
            switch (args[i]) {
                case "--kafka-port" -> kafkaPort = port(args[i + 1]);
                case "--registry-port" -> registryPort = port(args[i + 1]);
                case "--data-dir" -> dataDir = Path.of(args[i + 1]);
                default -> usage();
            }
        }
        LocalKafkaBroker broker = LocalKafkaBroker.start(dataDir.resolve("kafka"), kafkaPort, Map.of());
        LocalSchemaRegistry registry = LocalSchemaRegistry.start(registryPort, Optional.of(dataDir.resolve("registry.jsonl")), Optional.empty());
        System.out.printf("bootstrap.servers=%s%nschema.registry.url=%s%n(data in %s; Ctrl-C stops both)%n",
            broker.bootstrapServers(), registry.url(), dataDir.toAbsolutePath());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            registry.close();
            broker.close();
            stopped.countDown();
        }));
        stopped.await();
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        System.err.println("local-stack: port " + text + " is invalid: a whole number in [1, 65535]");
        System.exit(2);
        return -1;
    }

    private static void usage() {
        System.err.println("usage: local-stack [--kafka-port 9092] [--registry-port 8081] [--data-dir .faultline/local]");
        System.exit(2);
    }
}
