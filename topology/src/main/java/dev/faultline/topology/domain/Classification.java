package dev.faultline.topology.domain;

import dev.faultline.schema.FaultCategory;
import dev.faultline.schema.FaultKind;
import dev.faultline.schema.Severity;

/** What a log record was classified as; {@code ruleId} is null for UNCLASSIFIED. */
public record Classification(FaultKind kind, FaultCategory category, Severity severity, String ruleId) {
    public static final Classification UNCLASSIFIED =
        new Classification(FaultKind.UNCLASSIFIED, FaultCategory.UNKNOWN, Severity.LOW, null);

    public boolean isClassified() {
        return ruleId != null;
    }
}
