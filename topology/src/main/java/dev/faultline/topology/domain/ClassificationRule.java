package dev.faultline.topology.domain;

import java.util.Optional;

import com.google.re2j.Pattern;

import dev.faultline.schema.FaultKind;
import dev.faultline.schema.Severity;

/**
 * One ordered classification rule: when {@code pattern} is found in the log's text (or, with
 * {@code attribute}, in that attribute's value), the record is of {@code kind}.
 */
public record ClassificationRule(String id, FaultKind kind, Severity severity, Pattern pattern, Optional<String> attribute) {
}
