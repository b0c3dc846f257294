package org.ccarm.command;

import java.util.Objects;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.SessionChange;
import org.ccarm.protocol.tree.Element;

/**
 * What a command did: done, or refused with a reason and a detail (nothing changed).
 * Either way it names what the audit line records beyond the call itself: the
 * conversation and the acting operator, each null when the command has none or could
 * not resolve one, the conversation's version (after the change; of the state a
 * refusal saw; 0 when there is none) and the change's event seq (0 when nothing changed).
 *
 * <p>A few commands answer more than {@code ok}: {@code reply} is what {@code ok} holds
 * (login's session), {@code session} what the answer does to the client's session, and
 * {@code retryAfterSeconds}, when positive, when a refused client may try again.
 */
public record Outcome(ErrorReason refusal, String detail, String conversationId, String actingOperator, long version,
                      long seq, Element reply, SessionChange session, long retryAfterSeconds) {

    public Outcome {
        if (refusal != null) {
            Objects.requireNonNull(detail, "detail");
        }
    }

    public static Outcome done(String conversationId, String actingOperator, long version, long seq) {
        return new Outcome(null, null, conversationId, actingOperator, version, seq, null, null, 0);
    }

    /** Done, answering {@code reply} inside {@code ok} and changing the client's session. */
    public static Outcome done(String actingOperator, Element reply, SessionChange session) {
        return new Outcome(null, null, null, actingOperator, 0, 0, reply, session, 0);
    }

    public static Outcome refused(ErrorReason reason, String detail, String conversationId, String actingOperator,
                                  long version) {
        return new Outcome(Objects.requireNonNull(reason, "reason"), detail, conversationId, actingOperator, version,
                0, null, null, 0);
    }

    /** How long a client refused for the audit waits: the appender tries the file again every second. */
    static final long AUDIT_RETRY_SECONDS = 1;

    /** Refused before any change: the audit trail cannot record one now. */
    public static Outcome auditUnavailable(String conversationId, String actingOperator) {
        return refused(ErrorReason.AUDIT_UNAVAILABLE, "the audit trail cannot be written now (audit.durability=synced): "
                + "nothing was changed; try again shortly", conversationId, actingOperator, 0).retryAfter(AUDIT_RETRY_SECONDS);
    }

    /** The same refusal, telling the client to wait {@code seconds} before it tries again. */
    public Outcome retryAfter(long seconds) {
        return new Outcome(refusal, detail, conversationId, actingOperator, version, seq, reply, session, seconds);
    }

    /** Without {@code reply}, which may hold a session's token. */
    @Override
    public String toString() {
        return "Outcome[refusal=" + refusal + ", detail=" + detail + ", conversation=" + conversationId + ", acting="
                + actingOperator + ", version=" + version + ", seq=" + seq + ", session=" + session + "]";
    }

    public boolean isDone() {
        return refusal == null;
    }
}
