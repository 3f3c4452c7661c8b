package dev.faultline.topology.domain.templates;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.faultline.topology.bench.TemplateAccuracy;

class TemplateMinerTest {
    /** The labelled samples in the workspace's shared data, beside the repository. */
    private static final Path LOGHUB = Path.of("..", "..", "shared", "data", "loghub");

    @Test
    void shouldKeepGroupingAccuracyOnRealLogsAboveAFloor() throws IOException {
        // Floors a little under the benchmark's figures (HDFS 0.998, OpenSSH 0.788), so a regression fails the build.
        assertThat(TemplateAccuracy.groupingAccuracy(TemplateAccuracy.read(LOGHUB, "HDFS"), MinerSettings.DEFAULT)).isGreaterThan(0.99);
        assertThat(TemplateAccuracy.groupingAccuracy(TemplateAccuracy.read(LOGHUB, "OpenSSH"), MinerSettings.DEFAULT)).isGreaterThan(0.78);
        assertThat(TemplateAccuracy.groupingAccuracy(TemplateAccuracy.read(LOGHUB, "Linux"), MinerSettings.DEFAULT)).isGreaterThan(0.68);
    }

    @Test
    void shouldMaskVariablesAndGroupLinesThatDifferOnlyInThem() {
        TemplateMiner miner = new TemplateMiner(MinerSettings.DEFAULT);
        TemplateMiner.Match first = miner.add("Connection to 10.0.0.7:5432 timed out after 3000 ms (request 4bf92f3577b34da6)");
        TemplateMiner.Match second = miner.add("Connection to 10.0.0.9:5432 timed out after 2500 ms (request 00f067aa0ba902b7)");

        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        assertThat(second.template()).isSameAs(first.template());
        assertThat(first.template().text()).isEqualTo("Connection to <*> timed out after <*> ms (request <*>)");
        assertThat(miner.size()).isEqualTo(1);
    }

    @Test
    void shouldGeneralizeDifferingWordsAndExtractParameters() {
        TemplateMiner miner = new TemplateMiner(MinerSettings.DEFAULT);
        miner.add("session opened for user cyrus by root");
        TemplateMiner.Match match = miner.add("session opened for user news by root");
        assertThat(match.changed()).isTrue();
        assertThat(match.template().text()).isEqualTo("session opened for user <*> by root");
        assertThat(miner.add("session opened for user mail by root").parameters()).containsExactly("mail");
        assertThat(match.template().count()).isEqualTo(3);
        assertThat(match.template().example()).isEqualTo("session opened for user cyrus by root");
    }

    @Test
    void shouldKeepDifferentMessagesApart() {
        TemplateMiner miner = new TemplateMiner(MinerSettings.DEFAULT);
        miner.add("disk full on /var/lib/data");
        miner.add("user admin logged in from console");
        miner.add("cache warmed in 12 ms");
        assertThat(miner.size()).isEqualTo(3);
    }

    @Test
    void shouldEvictTheLeastRecentlyUsedTemplatesBeyondTheBound() {
        MinerSettings d = MinerSettings.DEFAULT;
        TemplateMiner miner = new TemplateMiner(new MinerSettings(d.depth(), d.similarity(), d.maxChildren(), 3, d.masks()));
        String keep = miner.add("alpha beta gamma").template().id();
        miner.add("one two three four");
        miner.add("red green blue yellow purple");
        miner.add("alpha beta gamma");
        miner.add("north south east west up down");
        assertThat(miner.templates()).extracting(LogTemplate::id).hasSize(3).contains(keep);
        assertThat(miner.templates()).extracting(LogTemplate::text).doesNotContain("one two three four");
        assertThat(miner.add("one two three four").created()).isTrue();
    }

    @Test
    void shouldRebuildFromPersistedTemplatesWithTheirIds() {
        TemplateMiner original = new TemplateMiner(MinerSettings.DEFAULT);
        original.add("session opened for user cyrus by root");
        LogTemplate template = original.add("session opened for user news by root").template();

        TemplateMiner restored = new TemplateMiner(MinerSettings.DEFAULT);
        restored.restore(template.id(), List.of(template.text().split(" ")), template.count(), template.example());
        TemplateMiner.Match match = restored.add("session opened for user mail by root");

        assertThat(match.created()).isFalse();
        assertThat(match.template().id()).isEqualTo(template.id());
        assertThat(match.template().count()).isEqualTo(3);
    }
}
