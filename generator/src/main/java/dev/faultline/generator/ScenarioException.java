package dev.faultline.generator;

/** A scenario file that cannot be used; the message names the file, the field and what is accepted. */
public final class ScenarioException extends RuntimeException {
    public ScenarioException(String message) {
        super(message);
    }
}
