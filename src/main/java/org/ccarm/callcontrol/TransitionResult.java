package org.ccarm.callcontrol;

/** What a {@link Transition} did: the new state and who acted, or why it refused. */
public sealed interface TransitionResult {

    /**
     * The transition happened; {@code after} is the new state (one version later),
     * {@code actingOperator} the operator it was done for, and {@code seq} the place of
     * its event in the domain's stream once a store recorded it (0 before).
     */
    record Applied(Conversation after, String actingOperator, long seq) implements TransitionResult {

        public Applied(Conversation after, String actingOperator) {
            this(after, actingOperator, 0);
        }

        /** The same change, recorded as event {@code recordedSeq}. */
        public Applied recordedAs(long recordedSeq) {
            return new Applied(after, actingOperator, recordedSeq);
        }
    }

    /**
     * A rule refused; nothing changed. {@code actingOperator} is null when none was
     * resolved; {@code version} is the version of the state that was refused (0 when
     * there is no such conversation).
     */
    record Refused(Refusal refusal, String detail, String actingOperator, long version) implements TransitionResult {}

    public static TransitionResult noSuchConversation(ConversationKey key) {
        return new Refused(Refusal.NO_SUCH_CONVERSATION,
                "conversation " + key.conversationId() + " does not exist in domain " + key.domain(), null, 0);
    }
}
