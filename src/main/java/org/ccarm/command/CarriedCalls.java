package org.ccarm.command;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;

/**
 * The calls whose media this server carries (SIP): for them a hold is what the phones
 * hear, so a command changes the media first and records the change only when every leg
 * accepted it. Conversations of the switch feed have no call here and are recorded at once.
 */
public interface CarriedCalls {

    /** No call is carried (SIP off). */
    CarriedCalls NONE = key -> Optional.empty();

    /** The call of this conversation when this server carries it; empty for every other conversation. */
    Optional<CarriedCall> call(ConversationKey key);

    /** One carried call's media. */
    interface CarriedCall {

        /**
         * Changes the media as {@code transition} would change the conversation, then records
         * it with {@code record}, all under the call's media lock (one change at a time): the
         * rules run first (a refusal changes nothing and sends nothing); a leg that refuses
         * the change refuses the command ({@link org.ccarm.callcontrol.Refusal#MEDIA_REFUSED},
         * the other legs put back); a change that cannot be recorded puts the legs back too.
         * No thread waits for a phone.
         */
        CompletionStage<TransitionResult> change(Transition transition,
                                                 Function<Transition, CompletionStage<TransitionResult>> record);
    }
}
