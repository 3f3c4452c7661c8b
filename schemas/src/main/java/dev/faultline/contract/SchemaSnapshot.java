package dev.faultline.contract;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.avro.Schema;

/**
 * Writes the self-contained schema of every topic record into {@code released/<version>/},
 * the copy the compatibility test holds later changes to. Run it when cutting a release:
 * {@code mvn -pl schemas -q exec:java -Dexec.mainClass=dev.faultline.contract.SchemaSnapshot -Dexec.args="schemas/released/0.2.0"}.
 */
public final class SchemaSnapshot {
    private SchemaSnapshot() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: SchemaSnapshot <directory>");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        for (Schema schema : TopicRecords.ALL) {
            Files.writeString(dir.resolve(schema.getFullName() + ".avsc"), schema.toString(true) + "\n");
        }
        System.out.println("wrote " + TopicRecords.ALL.size() + " schemas to " + dir);
    }
}
