package org.ccarm.store;

import java.util.Optional;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;

/** The conversations of every domain this server serves. Implementations are thread-safe. */
public interface ConversationStore {

    /** What {@link #put} did. */
    enum PutResult { CREATED, REPLACED }

    Optional<Conversation> find(ConversationKey key);

    /** Creates or replaces the conversation under its own key (as the switch reports it). */
    PutResult put(Conversation conversation);

    /** Ends a conversation; false when there was none. */
    boolean remove(ConversationKey key);

    /**
     * Applies {@code transition} to the conversation atomically: of any number of
     * concurrent transitions of one conversation, each sees the state the previous one
     * left. A conversation that does not exist is refused with
     * {@link org.ccarm.callcontrol.Refusal#NO_SUCH_CONVERSATION}.
     */
    TransitionResult apply(ConversationKey key, Transition transition);

    /** How many conversations the store holds, over all domains. */
    long size();
}
