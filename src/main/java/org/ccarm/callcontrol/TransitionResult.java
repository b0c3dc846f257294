package org.ccarm.callcontrol;

/** What a {@link Transition} did: the new state and who acted, or why it refused. */
public sealed interface TransitionResult {

    /**
     * The transition happened; {@code after} is the new state (one version later), and
     * {@code actingOperator} the operator it was done for.
     */
    record Applied(Conversation after, String actingOperator) implements TransitionResult {}

    /**
     * A rule refused; nothing changed. {@code actingOperator} is null when none was
     * resolved; {@code version} is the version of the state that was refused (0 when
     * there is no such conversation).
     */
    record Refused(Refusal refusal, String detail, String actingOperator, long version) implements TransitionResult {}

    static TransitionResult noSuchConversation(ConversationKey key) {
        return new Refused(Refusal.NO_SUCH_CONVERSATION,
                "conversation " + key.conversationId() + " does not exist in domain " + key.domain(), null, 0);
    }
}
