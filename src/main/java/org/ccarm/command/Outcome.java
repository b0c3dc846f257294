package org.ccarm.command;

import java.util.Objects;
import org.ccarm.protocol.ErrorReason;

/**
 * What a command did: done, or refused with a reason and a detail (nothing changed).
 * Either way it names what the audit line records beyond the call itself: the
 * conversation and the acting operator, each null when the command has none or could
 * not resolve one, and the conversation's version (after the change; of the state a
 * refusal saw; 0 when there is none).
 */
public record Outcome(ErrorReason refusal, String detail, String conversationId, String actingOperator, long version) {

    public Outcome {
        if (refusal != null) {
            Objects.requireNonNull(detail, "detail");
        }
    }

    public static Outcome done(String conversationId, String actingOperator, long version) {
        return new Outcome(null, null, conversationId, actingOperator, version);
    }

    public static Outcome refused(ErrorReason reason, String detail, String conversationId, String actingOperator,
                                  long version) {
        return new Outcome(Objects.requireNonNull(reason, "reason"), detail, conversationId, actingOperator, version);
    }

    public boolean isDone() {
        return refusal == null;
    }
}
