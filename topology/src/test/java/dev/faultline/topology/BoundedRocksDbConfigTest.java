package dev.faultline.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;

class BoundedRocksDbConfigTest {
    @Test
    void aStoreFlushesItsMemtableAtASixteenthOfTheMemtableBudget() {
        // The default budget, as every store of the process shares the first one configured.
        Map<String, Object> configs = Map.of(BoundedRocksDbConfig.MEMORY_BYTES_CONFIG, String.valueOf(256L << 20));
        try (Options options = new Options()) {
            options.setTableFormatConfig(new BlockBasedTableConfig());
            new BoundedRocksDbConfig().setConfig("service-health", options, configs);

            assertThat(options.writeBufferSize()).as("a sixteenth of the quarter of 256 MiB that memtables may take").isEqualTo(4L << 20);
        }
    }
}
