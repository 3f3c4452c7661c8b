package dev.faultline.topology;

import dev.faultline.schema.internal.Signal;

/**
 * A signal on its way to its service's window, with its payload's bytes (Confluent wire
 * format) when they exist: a request or metric sample as read from its input topic, a
 * classified log as written to its topic ({@link dev.faultline.topology.processors.TemplateProcessor});
 * null for a log below WARN. The open-window store logs those bytes as they are: encoding every
 * logged signal again at each commit was a ninth of the stream threads' time with 100,000
 * services (JFR, load benchmark).
 */
public record SignalAsRead(Signal signal, byte[] asRead) {
}
