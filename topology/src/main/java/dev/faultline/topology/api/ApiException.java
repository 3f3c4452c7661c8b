package dev.faultline.topology.api;

/** An answer other than 200: the status, a message for the caller, and a retry hint for 503. */
public final class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, message);
    }
}
