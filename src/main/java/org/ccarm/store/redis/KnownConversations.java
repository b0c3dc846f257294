package org.ccarm.store.redis;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;

/**
 * The last state this instance saw of each conversation (read, written or sent back by a
 * compare-and-set), so that a transition is decided on it and recorded in one round trip.
 * It is never trusted: the compare-and-set checks it against Redis, and a state another
 * instance changed since costs the round trip it saves. The event tail (which runs for
 * the domains this instance's subscribers watch) notes the changes of every instance. Replies of one connection come in
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

    /** Notes a state Redis answered: the newest this instance has seen of it (replies come in Redis's order). */
    void note(Conversation state) {
        ConversationKey key = state.key();
        if (states.size() >= capacity && !states.containsKey(key)) {
            makeRoom();
        }
        states.put(key, state);
    }

    /**
     * Notes a state the event tail read, unless a newer one is known: the tail reads on a
     * connection of its own, so its news may be older than a reply already noted.
     */
    void noteIfNewer(Conversation state) {
        ConversationKey key = state.key();
        Conversation known = states.get(key);
        if (known == null) {
            if (states.size() >= capacity) {
                makeRoom();
            }
            states.putIfAbsent(key, state);
        } else if (state.version() > known.version()) {
            states.replace(key, known, state);
        }
    }

    void forget(ConversationKey key) {
        states.remove(key);
    }

    private void makeRoom() {
        Iterator<ConversationKey> any = states.keySet().iterator();
        if (any.hasNext()) {
            states.remove(any.next());
        }
    }
}
