package org.ccarm.callcontrol;

/** What a {@link Transition} did: the new state and who acted, or why it refused. */
public sealed interface TransitionResult {

    /** The transition happened; {@code actingOperator} is the operator it was done for. */
    record Applied(Conversation after, String actingOperator) implements TransitionResult {}

    /** A rule refused; nothing changed. {@code actingOperator} is null when none was resolved. */
    record Refused(Refusal refusal, String detail, String actingOperator) implements TransitionResult {}

    static TransitionResult noSuchConversation(ConversationKey key) {
        return new Refused(Refusal.NO_SUCH_CONVERSATION,
                "conversation " + key.conversationId() + " does not exist in domain " + key.domain(), null);
    }
}
