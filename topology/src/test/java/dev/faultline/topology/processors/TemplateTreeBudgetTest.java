package dev.faultline.topology.processors;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;

import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.junit.jupiter.api.Test;

import dev.faultline.topology.SignalAsRead;
import dev.faultline.topology.domain.SecondChanceCache;
import dev.faultline.topology.domain.templates.MinerSettings;

class TemplateTreeBudgetTest {
    private final TemplateTreeBudget budget = new TemplateTreeBudget(10);

    @Test
    void shouldShareAnInstancesTreesEvenlyAmongTheTemplateProcessorsOfItsTasks() {
        TemplateProcessor first = processor();
        TemplateProcessor second = processor();
        first.init(context());
        first.init(context());
        assertThat(budget.share()).as("one processor, however often initialised").isEqualTo(10);
        second.init(context());
        assertThat(budget.share()).isEqualTo(5);
        first.close();
        assertThat(budget.share()).as("the task left: the other gets its room").isEqualTo(10);
        second.close();
        second.close();
        assertThat(budget.share()).as("closed twice, left once").isEqualTo(10);
        first.init(context());
        second.init(context());
        assertThat(budget.share()).as("both resumed").isEqualTo(5);
    }

    @Test
    void shouldShrinkToANewShareKeepingTheMostRecentlyUsed() {
        budget.join();
        SecondChanceCache<Integer, String> trees = new SecondChanceCache<>(budget::share, evicted -> { });
        for (int service = 1; service <= 10; service++) {
            trees.put(service, "tree " + service);
        }
        trees.get(1);
        budget.join();
        trees.put(11, "tree 11");
        assertThat(trees.keySet()).as("the oldest evicted first, but 1 was used since").containsExactlyInAnyOrder(8, 9, 10, 1, 11);
    }

    private TemplateProcessor processor() {
        return new TemplateProcessor(MinerSettings.DEFAULT, Duration.ofMinutes(10), budget, log -> new byte[0]);
    }

    /** Only what {@code init} asks of a context: its stores, none needed here. */
    @SuppressWarnings("unchecked")
    private static FixedKeyProcessorContext<String, SignalAsRead> context() {
        return (FixedKeyProcessorContext<String, SignalAsRead>) Proxy.newProxyInstance(TemplateTreeBudgetTest.class.getClassLoader(),
            new Class<?>[] {FixedKeyProcessorContext.class}, (proxy, method, args) -> null);
    }
}
