package org.ccarm.dispatch;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.ccarm.protocol.Answer;

/**
 * The dispatcher's verdict on a call before its body is read: answered already (an
 * unknown domain or command, or a transport check failed), or admitted, and then the
 * transport reads the body and hands it to {@link CommandDispatcher.Admitted}.
 */
public sealed interface Admission permits Admission.Answered, CommandDispatcher.Admitted {

    /** Refused before the body; the answer has been audited. */
    record Answered(Answer answer) implements Admission {}

    /** The answer, now or later: this one when refused, else what {@code proceed} makes of the admitted call. */
    default CompletionStage<Answer> orElseLater(Function<CommandDispatcher.Admitted, CompletionStage<Answer>> proceed) {
        return this instanceof Answered answered ? CompletableFuture.completedFuture(answered.answer())
                : proceed.apply((CommandDispatcher.Admitted) this);
    }
}
