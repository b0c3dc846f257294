package org.ccarm.command;

import java.util.Objects;
import org.ccarm.protocol.ErrorReason;

/**
 * What a command did: done, or refused with a reason and a detail (nothing changed).
 * Either way it names what the audit line records beyond the call itself: the
 * conversation and the acting operator, each null when the command has none or could
 * not resolve one.
 */
public record Outcome(ErrorReason refusal, String detail, String conversationId, String actingOperator) {

    public Outcome {
        if (refusal != null) {
            Objects.requireNonNull(detail, "detail");
        }
    }

    public static Outcome done(String conversationId, String actingOperator) {
        return new Outcome(null, null, conversationId, actingOperator);
    }

    public static Outcome refused(ErrorReason reason, String detail, String conversationId, String actingOperator) {
        return new Outcome(Objects.requireNonNull(reason, "reason"), detail, conversationId, actingOperator);
    }

    public boolean isDone() {
        return refusal == null;
    }
}
