package org.ccarm.protocol;

import java.util.Objects;

/**
 * What the server answers to one command call: {@code ok}, or an error with a reason
 * and a detail. {@code cmd} is the command name the client used ({@code unknown}
 * when none could be read); {@code knownCommand} says whether the server implements
 * it, which decides the schema the {@code out} document names.
 */
public record Answer(String cmd, boolean knownCommand, ErrorReason reason, String detail) {

    /** The name used when the client's command could not be read at all. */
    public static final String UNKNOWN_CMD = "unknown";

    public Answer {
        Objects.requireNonNull(cmd, "cmd");
        if (reason != null) {
            Objects.requireNonNull(detail, "detail");
        }
    }

    public static Answer ok(String cmd) {
        return new Answer(cmd, true, null, null);
    }

    public static Answer error(String cmd, boolean knownCommand, ErrorReason reason, String detail) {
        return new Answer(cmd, knownCommand, Objects.requireNonNull(reason, "reason"), detail);
    }

    public boolean isOk() {
        return reason == null;
    }

    /** The HTTP status (also carried by websocket frames). */
    public int status() {
        return reason == null ? 200 : reason.status();
    }

    /** The outcome as the audit log names it: {@code ok} or the reason's code. */
    public String outcome() {
        return reason == null ? "ok" : reason.code();
    }
}
