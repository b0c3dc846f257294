package org.ccarm.protocol;

import java.util.Objects;
import org.ccarm.protocol.tree.Element;

/**
 * What the server answers to one command call: {@code ok} (with what {@code ok} holds,
 * for the few commands that answer something, such as login's session), or an error
 * with a reason and a detail. {@code cmd} is the command name the client used
 * ({@code unknown} when none could be read); {@code knownCommand} says whether the
 * server implements it, which decides the schema the {@code out} document names.
 * {@code session} is what the answer does to the client's session (null: nothing);
 * {@code retryAfterSeconds}, when positive, when the client may try again.
 */
public record Answer(String cmd, boolean knownCommand, ErrorReason reason, String detail, Element okContent,
                     SessionChange session, long retryAfterSeconds) {

    /** The name used when the client's command could not be read at all. */
    public static final String UNKNOWN_CMD = "unknown";

    public Answer {
        Objects.requireNonNull(cmd, "cmd");
        if (reason != null) {
            Objects.requireNonNull(detail, "detail");
        }
    }

    public static Answer ok(String cmd) {
        return new Answer(cmd, true, null, null, null, null, 0);
    }

    public static Answer ok(String cmd, Element okContent, SessionChange session) {
        return new Answer(cmd, true, null, null, okContent, session, 0);
    }

    public static Answer error(String cmd, boolean knownCommand, ErrorReason reason, String detail) {
        return new Answer(cmd, knownCommand, Objects.requireNonNull(reason, "reason"), detail, null, null, 0);
    }

    /** Without what {@code ok} holds, which may be a session's token: answers must not leak into logs. */
    @Override
    public String toString() {
        return "Answer[cmd=" + cmd + ", reason=" + reason + ", detail=" + detail + ", session=" + session + "]";
    }

    public Answer withRetryAfter(long seconds) {
        return new Answer(cmd, knownCommand, reason, detail, okContent, session, seconds);
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
