package dev.faultline.topology.processors;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many services' template trees an instance keeps decoded ({@code analyzer.templates.cached-services}), shared
 * evenly among the template processors of the tasks it runs: each keeps its share of the services that logged last,
 * so the instance's trees stay within the budget however many tasks it is given, and a task given more room by a
 * rebalance uses it. One per topology built; its processors run on different stream threads.
 */
public final class TemplateTreeBudget {
    private final int services;
    private final AtomicInteger processors = new AtomicInteger();

    public TemplateTreeBudget(int services) {
        if (services < 1) {
            throw new IllegalArgumentException("a template tree budget needs at least one service, not " + services);
        }
        this.services = services;
    }

    void join() {
        processors.incrementAndGet();
    }

    void leave() {
        processors.decrementAndGet();
    }

    /** Services whose trees each processor keeps: at least one, the one logging now. */
    int share() {
        return Math.max(1, services / Math.max(1, processors.get()));
    }
}
