package dev.faultline.topology;

import java.util.Map;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the memory of every RocksDB store of the process together: one block cache that
 * also holds index and filter blocks and is charged for the memtables through a write
 * buffer manager, sized by {@code analyzer.rocksdb.memory.bytes}. Without it each store
 * sizes its own caches and memory grows with the number of partitions.
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {
    public static final String MEMORY_BYTES_CONFIG = "faultline.rocksdb.memory.bytes";
    /** Share of the budget that memtables may take. */
    private static final double WRITE_BUFFER_SHARE = 0.25;
    /**
     * Memtable size of each store, as a fraction of the memtable budget. Once all memtables together
     * near the budget, the write buffer manager flushes the store being written to, whichever holds
     * the memory. With Kafka Streams' 16 MiB memtables the 24 stores of four tasks could hold far more
     * than a 64 MiB budget, and with 100,000 services the templates store (written for every log) was
     * flushed 2,926 times in 104 s, often at a few entries, and writes stopped 1,629 times waiting for
     * those flushes (RocksDB LOG). With a sixteenth each, stores flush themselves when full (the same
     * benchmark: no flush by the manager, no stop).
     */
    private static final int MEMTABLES_PER_BUDGET = 16;

    private static Cache cache;
    private static WriteBufferManager writeBufferManager;
    private static long writeBufferSize;

    private static synchronized void ensureShared(long bytes) {
        if (cache == null) {
            cache = new LRUCache(bytes, -1, false, 0.1);
            writeBufferManager = new WriteBufferManager((long) (bytes * WRITE_BUFFER_SHARE), cache);
            writeBufferSize = (long) (bytes * WRITE_BUFFER_SHARE) / MEMTABLES_PER_BUDGET;
        }
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Object configured = configs.get(MEMORY_BYTES_CONFIG);
        ensureShared(configured == null ? 256L << 20 : Long.parseLong(configured.toString()));
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(writeBufferManager);
        options.setWriteBufferSize(writeBufferSize);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and write buffer manager are shared by every store: never closed per store.
    }
}
