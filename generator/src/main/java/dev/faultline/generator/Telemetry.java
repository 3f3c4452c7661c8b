package dev.faultline.generator;

import org.apache.avro.specific.SpecificRecord;

/** One generated input record and the input it belongs on. */
public record Telemetry(Input input, String service, SpecificRecord record) {

    public enum Input { REQUESTS, METRICS, LOGS }
}
