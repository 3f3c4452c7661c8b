package dev.faultline.topology.config;

/** A configuration value the analyzer cannot start with; the message names the key, value and what is accepted. */
public final class InvalidConfigException extends RuntimeException {
    private final String key;
    private final String accepted;

    public InvalidConfigException(String key, Object value, String accepted) {
        super(key + "=" + value + " is invalid: " + accepted);
        this.key = key;
        this.accepted = accepted;
    }

    public String accepted() {
        return accepted;
    }

    public static InvalidConfigException missing(String key, String accepted) {
        return new InvalidConfigException(key, "(missing)", accepted);
    }

    public String key() {
        return key;
    }
}
