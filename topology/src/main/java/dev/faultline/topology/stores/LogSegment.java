package dev.faultline.topology.stores;

import java.util.Arrays;

/**
 * A log segment of the windows store being built: signals, each a varint length (as
 * {@code ByteUtils.readUnsignedVarint} reads it) and its bytes. Kept from write to write, so that a
 * write appends into a buffer already grown: a new {@code ByteArrayOutputStream} per write, grown
 * by doubling from 32 bytes, was a twentieth of the stream threads' samples with 100,000 services.
 */
final class LogSegment {
    /** The most a varint of an int takes. */
    private static final int MAX_VARINT_BYTES = 5;
    private final int limit;
    private byte[] bytes;
    private int size;

    /** A segment that {@link #fits} up to {@code limit} bytes, or one signal of any size. */
    LogSegment(int limit) {
        this.limit = limit;
        this.bytes = new byte[limit];
    }

    /** Whether a signal of {@code length} bytes can be appended without passing the limit; always, when empty. */
    boolean fits(int length) {
        return size == 0 || size + length + MAX_VARINT_BYTES <= limit;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void append(byte[] source, int offset, int length) {
        if (bytes.length - size < length + MAX_VARINT_BYTES) {
            bytes = Arrays.copyOf(bytes, size + length + MAX_VARINT_BYTES);
        }
        int rest = length;
        while ((rest & ~0x7F) != 0) {
            bytes[size++] = (byte) ((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        bytes[size++] = (byte) rest;
        System.arraycopy(source, offset, bytes, size, length);
        size += length;
    }

    /** The bytes appended since the last call; the segment is then empty, its buffer back to the limit if a signal grew it. */
    byte[] take() {
        byte[] taken = Arrays.copyOf(bytes, size);
        size = 0;
        if (bytes.length > limit) {
            bytes = new byte[limit];
        }
        return taken;
    }
}
