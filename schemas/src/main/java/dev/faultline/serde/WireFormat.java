package dev.faultline.serde;

import java.nio.ByteBuffer;

import org.apache.kafka.common.errors.SerializationException;

/** Confluent's framing: magic byte 0, a 4-byte big-endian schema id, then Avro binary. */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    static void writeHeader(ByteBuffer out, int schemaId) {
        out.put(MAGIC_BYTE).putInt(schemaId);
    }

    /** The schema id of a framed record; fails with a message a dead-letter reader can act on. */
    public static int schemaId(String topic, byte[] bytes) {
        if (bytes.length < HEADER_SIZE) {
            throw new SerializationException("Record of " + bytes.length + " bytes on topic " + topic
                + " is shorter than the 5-byte Confluent wire-format header");
        }
        if (bytes[0] != MAGIC_BYTE) {
            throw new SerializationException(String.format(
                "Unknown magic byte 0x%02x on topic %s: not in the Confluent wire format (magic byte 0x00)", bytes[0], topic));
        }
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }
}
