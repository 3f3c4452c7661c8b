package dev.faultline.topology.stores;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.faultline.topology.domain.OpenWindow;

class WindowTableTest {
    private static final long START = 0;

    @Test
    void shouldFindEveryServiceAddedAcrossGrowthAndNoOther() {
        WindowTable table = new WindowTable(0);
        List<OpenWindowStore.Entry> added = new ArrayList<>();
        // Names that differ in their last characters only, as services' often do.
        for (int i = 0; i < 10_000; i++) {
            OpenWindowStore.Entry entry = new OpenWindowStore.Entry(START, String.format("checkout-%05d", i), OpenWindow.empty());
            table.add(entry);
            added.add(entry);
        }

        assertThat(table.size()).isEqualTo(10_000);
        assertThat(added).allSatisfy(entry -> assertThat(table.get(new String(entry.service), WindowTable.hash(entry.service))).isSameAs(entry));
        assertThat(table.get("checkout-10000", WindowTable.hash("checkout-10000"))).isNull();
        List<OpenWindowStore.Entry> visited = new ArrayList<>();
        table.forEach(visited::add);
        assertThat(visited).containsExactlyInAnyOrderElementsOf(added);
    }

    @Test
    void shouldFindAServiceWhoseHomeSlotAnotherTook() {
        WindowTable table = new WindowTable(1);
        OpenWindowStore.Entry first = new OpenWindowStore.Entry(START, "a", OpenWindow.empty());
        table.add(first);
        // A service with the same home slot in a 16-slot table: probed past "a".
        String other = java.util.stream.IntStream.range(0, 10_000).mapToObj(i -> "s" + i)
            .filter(name -> (WindowTable.hash(name) & 15) == (WindowTable.hash("a") & 15)).findFirst().orElseThrow();
        OpenWindowStore.Entry second = new OpenWindowStore.Entry(START, other, OpenWindow.empty());
        table.add(second);

        assertThat(table.home(second.hash)).isSameAs(first);
        assertThat(table.get(other, second.hash)).isSameAs(second);
        assertThat(table.get("a", first.hash)).isSameAs(first);
    }
}
