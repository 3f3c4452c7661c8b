package dev.faultline.cli;

import dev.faultline.generator.ScenarioException;
import dev.faultline.topology.config.InvalidConfigException;
import dev.faultline.topology.domain.RuleSet;

/** Turns a failure into the one line the CLI prints. */
final class Errors {
    private Errors() {
    }

    /** A mistake in what the user gave us (configuration, scenario, input), rather than a failure while running. */
    static boolean isUsage(Throwable e) {
        return e instanceof InvalidConfigException || e instanceof ScenarioException || e instanceof RuleSet.InvalidRuleSetException
            || e instanceof UsageException;
    }

    static String describe(Throwable e) {
        if (e instanceof InvalidConfigException) {
            return "configuration error: " + e.getMessage();
        }
        Throwable cause = e;
        while (cause.getMessage() == null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return cause instanceof java.io.IOException && !(cause instanceof java.io.FileNotFoundException)
            ? cause.getClass().getSimpleName() + ": " + message
            : message;
    }

    /** Bad input the command found itself (a file line, a missing option combination). */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
