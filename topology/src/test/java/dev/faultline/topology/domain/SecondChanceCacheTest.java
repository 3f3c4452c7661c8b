package dev.faultline.topology.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class SecondChanceCacheTest {
    private final List<String> evicted = new ArrayList<>();
    private final AtomicInteger capacity = new AtomicInteger(3);
    private final SecondChanceCache<String, String> cache = new SecondChanceCache<>(capacity::get, evicted::add);

    @Test
    void shouldEvictTheOldestEntryNotUsedSinceItWasInsertedOrLastSpared() {
        cache.put("a", "A");
        cache.put("b", "B");
        cache.put("c", "C");
        assertThat(cache.get("a")).isEqualTo("A");
        cache.put("d", "D");
        assertThat(evicted).containsExactly("B");
        cache.put("e", "E");
        assertThat(evicted).as("a was spared once, and not used since").containsExactly("B", "C");
        cache.put("f", "F");
        assertThat(evicted).containsExactly("B", "C", "A");
        assertThat(cache.keySet()).containsExactlyInAnyOrder("d", "e", "f");
    }

    @Test
    void shouldKeepTheNewEntryWhenEveryOtherWasUsed() {
        capacity.set(1);
        cache.put("a", "A");
        cache.get("a");
        cache.put("b", "B");
        assertThat(cache.keySet()).containsExactly("b");
        assertThat(evicted).containsExactly("A");
    }

    @Test
    void shouldEvictDownToACapacityThatShrankAtTheNextInsertion() {
        for (String key : List.of("a", "b", "c")) {
            cache.put(key, key.toUpperCase());
        }
        capacity.set(0);
        assertThat(cache.size()).as("nothing evicted before an insertion").isEqualTo(3);
        cache.put("d", "D");
        assertThat(cache.keySet()).as("at least one entry is kept").containsExactly("d");
        assertThat(evicted).containsExactly("A", "B", "C");
    }

    @Test
    void shouldReplaceAnEntryOfTheSameKeyWithoutEvictingAnother() {
        cache.put("a", "A");
        cache.put("b", "B");
        cache.put("c", "C");
        cache.put("a", "A2");
        assertThat(evicted).isEmpty();
        assertThat(cache.values()).containsExactly("B", "C", "A2");
    }

    @Test
    void shouldLoadOnlyWhatIsAbsentAndMarkWhatIsPresent() {
        cache.put("a", "A");
        assertThat(cache.computeIfAbsent("a", key -> "other")).isEqualTo("A");
        assertThat(cache.computeIfAbsent("b", String::toUpperCase)).isEqualTo("B");
        cache.put("c", "C");
        cache.put("d", "D");
        assertThat(evicted).as("a was used, so b, the oldest unused, went").containsExactly("B");
        cache.clear();
        assertThat(cache.size()).isZero();
        assertThat(cache.get("a")).isNull();
    }
}
