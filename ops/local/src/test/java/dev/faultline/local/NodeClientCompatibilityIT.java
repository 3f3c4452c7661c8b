package dev.faultline.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.faultline.schema.DeadLetter;
import dev.faultline.schema.DeadLetterReason;
import dev.faultline.schema.Evidence;
import dev.faultline.schema.FaultCategory;
import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.FaultEventType;
import dev.faultline.schema.FaultKind;
import dev.faultline.schema.InstanceResources;
import dev.faultline.schema.LogRecord;
import dev.faultline.schema.LogSeverity;
import dev.faultline.schema.Measurement;
import dev.faultline.schema.RequestEvent;
import dev.faultline.schema.Severity;
import dev.faultline.schema.SpanStatus;
import dev.faultline.schema.SuspectedCause;
import dev.faultline.schema.WindowStats;
import dev.faultline.serde.AvroSerde;
import dev.faultline.serde.SerdeConfig;

/**
 * Confluent's official Node client ({@code @confluentinc/schemaregistry}) is the reference:
 * it must register and fetch schemas on the local registry, read what the Java serde writes
 * with identical field values, and write what the Java serde reads back equal.
 */
class NodeClientCompatibilityIT {
    private static final Path NODE_DIR = Path.of("src/test/node").toAbsolutePath();
    private static final Instant T0 = Instant.parse("2026-11-21T10:15:30.123Z");

    private static LocalSchemaRegistry registry;

    @TempDir
    Path temp;

    @BeforeAll
    static void startRegistry() {
        assertThat(NODE_DIR.resolve("node_modules/@confluentinc/schemaregistry"))
            .as("Confluent's Node client must be installed (npm ci in %s; mvn verify does it when missing)", NODE_DIR)
            .isDirectory();
        registry = LocalSchemaRegistry.start();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void requestEventsCrossBothWays() throws Exception {
        RequestEvent full = RequestEvent.newBuilder()
            .setService("payments").setOperation("POST /charge").setPeerService("postgres").setInstance("payments-7f9c")
            .setStartTime(T0).setDurationMs(1234.5).setStatus(SpanStatus.ERROR).setHttpStatus(503).setRpcCode("UNAVAILABLE")
            .setTraceId("4bf92f3577b34da6a3ce929d0e0e4736").setSpanId("00f067aa0ba902b7")
            .setAttributes(Map.of("http.method", "POST")).build();
        RequestEvent sparse = RequestEvent.newBuilder()
            .setService("checkout").setOperation("GET /cart").setStartTime(T0.plusMillis(1)).setDurationMs(0.25).build();
        assertCrossCompatible("requests", RequestEvent.class, List.of(full, sparse));
    }

    @Test
    void logRecordsCrossBothWays() throws Exception {
        LogRecord log = LogRecord.newBuilder()
            .setService("payments").setInstance("payments-7f9c").setTime(T0).setSeverity(LogSeverity.ERROR)
            .setBody("java.net.SocketTimeoutException: Read timed out\n\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)\nünïcødé ✓")
            .setTraceId("4bf92f3577b34da6a3ce929d0e0e4736").build();
        assertCrossCompatible("logs", LogRecord.class, List.of(log));
    }

    @Test
    void faultEventsWithNestedRecordsCrossBothWays() throws Exception {
        FaultEvent event = FaultEvent.newBuilder()
            .setAnalyzerVersion("0.1.0").setEventTime(T0).setFaultId("payments/HIGH_ERROR_RATE/1763720130000")
            .setType(FaultEventType.OPENED).setService("payments").setCategory(FaultCategory.PERFORMANCE)
            .setKind(FaultKind.HIGH_ERROR_RATE).setSeverity(Severity.HIGH).setOpenedAt(T0)
            .setWindowStart(T0.minusSeconds(60)).setWindowEnd(T0)
            .setEvidence(Evidence.newBuilder().setSummary("error rate 0.31 > 0.10 for 2 windows")
                .setMeasurements(List.of(Measurement.newBuilder().setName("error_rate").setValue(0.31).setThreshold(0.1).setComparison(">").build(),
                    Measurement.newBuilder().setName("requests").setValue(420).build()))
                .setSampleLogs(List.of("Connection refused")).setTraceIds(List.of("abc", "def")).build())
            .setSuspectedCause(SuspectedCause.newBuilder().setService("postgres").setKind(FaultKind.CONNECTION_TIMEOUT)
                .setFaultId("postgres/CONNECTION_TIMEOUT/1").setOpenedAt(T0.minusSeconds(90)).build())
            .setSymptom(true).build();
        WindowStats stats = WindowStats.newBuilder()
            .setAnalyzerVersion("0.1.0").setEventTime(T0).setService("payments").setWindowStart(T0.minusSeconds(60)).setWindowEnd(T0)
            .setRequestCount(420).setErrorCount(130).setErrorRate(130 / 420.0).setThroughput(7.0)
            .setLatencyP50Ms(12.0).setLatencyP95Ms(880.5).setLatencyP99Ms(1999.0).setLatencyMaxMs(2400.0)
            .setResources(List.of(InstanceResources.newBuilder().setInstance("payments-7f9c").setCpuMax(0.93).build()))
            .setLogsBySeverity(Map.of("ERROR", 57L)).setLogsByKind(Map.of("CONNECTION_TIMEOUT", 50L)).build();
        assertCrossCompatible("fault-events", FaultEvent.class, List.of(event));
        assertCrossCompatible("window-stats", WindowStats.class, List.of(stats));
    }

    @Test
    void deadLettersWithBytesReadInNode() throws Exception {
        DeadLetter letter = DeadLetter.newBuilder()
            .setAnalyzerVersion("0.1.0").setEventTime(T0).setSourceTopic("requests").setSourcePartition(2).setSourceOffset(991)
            .setReason(DeadLetterReason.DESERIALIZATION_ERROR).setErrorClass("org.apache.kafka.common.errors.SerializationException")
            .setErrorMessage("Unknown magic byte 0x7b").setValue(java.nio.ByteBuffer.wrap(new byte[] {0x7b, 0, (byte) 0xff})).build();
        JsonNode answer = runNode("dead-letters", DeadLetter.getClassSchema(), List.of(serialize("dead-letters", DeadLetter.class, letter)), List.of());
        assertThat(AvroPlain.canonical(answer.get("decoded").get(0))).isEqualTo(AvroPlain.of(letter));
    }

    private <T extends SpecificRecord> void assertCrossCompatible(String topic, Class<T> type, List<T> records) throws Exception {
        List<byte[]> javaBytes = new ArrayList<>();
        for (T record : records) {
            javaBytes.add(serialize(topic, type, record));
        }
        List<JsonNode> plain = records.stream().map(AvroPlain::of).toList();
        Schema schema = records.get(0).getSchema();

        JsonNode answer = runNode(topic, schema, javaBytes, plain);

        int javaId = java.nio.ByteBuffer.wrap(javaBytes.get(0), 1, 4).getInt();
        assertThat(answer.get("registeredId").asInt()).as("Node registering the same schema gets Java's id").isEqualTo(javaId);
        assertThat(answer.get("lookedUpId").asInt()).isEqualTo(javaId);
        assertThat(answer.get("latestId").asInt()).isEqualTo(javaId);
        assertThat(answer.get("latestVersion").asInt()).isEqualTo(1);
        assertThat(new Schema.Parser().parse(answer.get("fetchedSchema").asText())).isEqualTo(schema);
        assertThat(answer.get("subjects")).extracting(JsonNode::asText).contains(topic + "-value");

        for (int i = 0; i < records.size(); i++) {
            assertThat(AvroPlain.canonical(answer.get("decoded").get(i))).as("Node reading Java's record %d", i).isEqualTo(plain.get(i));
            byte[] nodeBytes = Base64.getDecoder().decode(answer.get("encoded").get(i).asText());
            try (AvroSerde<T> serde = serde(type)) {
                assertThat(serde.deserializer().deserialize(topic, nodeBytes)).as("Java reading Node's record %d", i).isEqualTo(records.get(i));
            }
        }
    }

    private <T extends SpecificRecord> byte[] serialize(String topic, Class<T> type, T record) {
        try (AvroSerde<T> serde = serde(type)) {
            return serde.serializer().serialize(topic, record);
        }
    }

    private static <T extends SpecificRecord> AvroSerde<T> serde(Class<T> type) {
        AvroSerde<T> serde = AvroSerde.specific(type);
        serde.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
        return serde;
    }

    private JsonNode runNode(String topic, Schema schema, List<byte[]> decode, List<JsonNode> encode) throws IOException, InterruptedException {
        ObjectNode request = AvroPlain.JSON.createObjectNode()
            .put("registry", registry.url()).put("subject", topic + "-value").put("topic", topic).put("schema", schema.toString());
        decode.forEach(b -> request.withArray("decode").add(Base64.getEncoder().encodeToString(b)));
        encode.forEach(r -> request.withArray("encode").add(r));
        request.withArray("decode");
        request.withArray("encode");
        Path requestFile = temp.resolve(topic + "-request.json");
        Files.writeString(requestFile, request.toString());
        Path output = temp.resolve(topic + "-out.json");
        Path errors = temp.resolve(topic + "-err.txt");
        Process node = new ProcessBuilder("node", "compat.mjs", requestFile.toString())
            .directory(NODE_DIR.toFile()).redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
        assertThat(node.exitValue()).as("node exit code; stderr: %s", Files.readString(errors, StandardCharsets.UTF_8)).isZero();
        return AvroPlain.JSON.readTree(output.toFile());
    }
}
