package dev.faultline.topology.stores;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.apache.kafka.common.utils.ByteUtils;

/**
 * A log segment of the windows store being built: signals, each a varint length (Kafka's
 * {@link ByteUtils} writes it, as it reads it back) and its bytes. Kept from write to write, so
 * that a write appends into a buffer already grown: a new {@code ByteArrayOutputStream} per write,
 * grown by doubling from 32 bytes, was a twentieth of the stream threads' samples with 100,000
 * services.
 */
final class LogSegment {
    /** The most a varint of an int takes. */
    private static final int MAX_VARINT_BYTES = 5;
    private final int limit;
    private ByteBuffer buffer;

    /** A segment that {@link #fits} up to {@code limit} bytes, or one signal of any size. */
    LogSegment(int limit) {
        this.limit = limit;
        this.buffer = ByteBuffer.allocate(limit);
    }

    /** Whether a signal of {@code length} bytes can be appended without passing the limit; always, when empty. */
    boolean fits(int length) {
        return isEmpty() || buffer.position() + length + MAX_VARINT_BYTES <= limit;
    }

    boolean isEmpty() {
        return buffer.position() == 0;
    }

    void append(byte[] source, int offset, int length) {
        if (buffer.remaining() < length + MAX_VARINT_BYTES) {
            buffer = ByteBuffer.allocate(buffer.position() + length + MAX_VARINT_BYTES).put(buffer.flip());
        }
        ByteUtils.writeUnsignedVarint(length, buffer);
        buffer.put(source, offset, length);
    }

    /** The bytes appended since the last call; the segment is then empty, its buffer back to the limit if a signal grew it. */
    byte[] take() {
        byte[] taken = Arrays.copyOf(buffer.array(), buffer.position());
        buffer = buffer.capacity() > limit ? ByteBuffer.allocate(limit) : buffer.clear();
        return taken;
    }
}
