package org.ccarm.store.redis;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;

/**
 * The last state this instance saw of each conversation (read, written or sent back by a
 * compare-and-set), so that a transition is decided on it and recorded in one round trip.
 * It is never trusted: the compare-and-set checks it against Redis, and a state another
 * instance changed since costs the round trip it saves. Replies of one connection come in
 * Redis's order, so the state noted last is the newest. Holds at most {@code capacity}
 * conversations (those it holds stay until they end here; the others are read first):
 * a few hundred bytes each, like the in-memory store's.
 */
final class KnownConversations {

    private final ConcurrentMap<ConversationKey, Conversation> states = new ConcurrentHashMap<>();
    private final int capacity;

    KnownConversations(int capacity) {
        this.capacity = capacity;
    }

    Conversation get(ConversationKey key) {
        return states.get(key);
    }

    void note(Conversation state) {
        ConversationKey key = state.key();
        if (states.size() < capacity) {
            states.put(key, state);
        } else {
            states.replace(key, state);
        }
    }

    void forget(ConversationKey key) {
        states.remove(key);
    }
}
