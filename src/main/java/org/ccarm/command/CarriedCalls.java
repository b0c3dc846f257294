package org.ccarm.command;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;
import org.ccarm.store.Handovers;

/**
 * The calls whose media this server carries (SIP): for them a hold is what the phones
 * hear, so a command changes the media first and records the change only when every leg
 * accepted it. Conversations of the switch feed have no call here and are recorded at once.
 */
public interface CarriedCalls {

    /** No call is carried (SIP off) and none handed over (one instance alone). */
    CarriedCalls NONE = key -> Optional.empty();

    /** Hangs the call up (a BYE on each leg) when this server carries it; false when it carries no such call. */
    default boolean hangUp(ConversationKey key) {
        return false;
    }

    /** The call of this conversation when this server carries it; empty for every other conversation. */
    Optional<CarriedCall> call(ConversationKey key);

    /**
     * A change the rules allow of a call another instance carries: carried out by that
     * instance, whose result this is; {@link Handovers.Unanswered} when it does not answer
     * within the hand-over's time from {@code arrivedNanos} ({@link System#nanoTime}).
     */
    default CompletionStage<TransitionResult> handOver(ConversationKey key, Transition transition, long arrivedNanos) {
        return CompletableFuture.failedFuture(new Handovers.Unanswered("conversation " + key.conversationId()
                + " is carried by another instance, and this one hands no command over"));
    }

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
