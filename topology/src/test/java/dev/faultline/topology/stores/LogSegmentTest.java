package dev.faultline.topology.stores;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.utils.ByteUtils;
import org.junit.jupiter.api.Test;

class LogSegmentTest {
    private static byte[] bytes(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed + i);
        }
        return bytes;
    }

    /** The signals of a taken segment, as the windows store reads them when it restores. */
    private static List<byte[]> read(byte[] segment) {
        ByteBuffer in = ByteBuffer.wrap(segment);
        List<byte[]> signals = new ArrayList<>();
        while (in.hasRemaining()) {
            byte[] signal = new byte[ByteUtils.readUnsignedVarint(in)];
            in.get(signal);
            signals.add(signal);
        }
        return signals;
    }

    @Test
    void shouldGiveBackEachSignalAsAppendedWithLengthsOfOneToThreeVarintBytes() {
        LogSegment segment = new LogSegment(64 * 1024);
        byte[] source = bytes(20_000, 7);
        segment.append(source, 0, 0);
        segment.append(source, 3, 127);
        segment.append(source, 5, 128);
        segment.append(source, 0, 20_000);

        assertThat(read(segment.take())).containsExactly(new byte[0], bytes(127, 10), bytes(128, 12), source);
        assertThat(segment.isEmpty()).isTrue();
    }

    @Test
    void shouldFitSignalsUpToItsLimitAndOneLargerSignalAlone() {
        LogSegment segment = new LogSegment(1_000);
        assertThat(segment.fits(5_000)).as("an empty segment takes any signal").isTrue();
        segment.append(bytes(900, 1), 0, 900);
        assertThat(segment.fits(93)).as("902 bytes (900 and 2 of length), 93 and up to 5 of length").isTrue();
        assertThat(segment.fits(94)).isFalse();

        segment.take();
        segment.append(bytes(5_000, 2), 0, 5_000);
        assertThat(read(segment.take())).containsExactly(bytes(5_000, 2));
        segment.append(bytes(10, 3), 0, 10);
        assertThat(read(segment.take())).as("the segment is reused after a large signal").containsExactly(bytes(10, 3));
    }
}
