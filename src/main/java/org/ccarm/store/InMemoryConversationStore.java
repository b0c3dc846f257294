package org.ccarm.store;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;

/**
 * A store in this process's memory: one concurrent map per domain, one {@link Slot}
 * per conversation. A transition runs under its slot's lock, so concurrent
 * transitions of one conversation are serialised and those of different
 * conversations are not.
 */
public final class InMemoryConversationStore implements ConversationStore {

    private final ConcurrentMap<String, ConcurrentMap<String, Slot>> domains = new ConcurrentHashMap<>();

    @Override
    public Optional<Conversation> find(ConversationKey key) {
        Slot slot = slot(key);
        return slot == null ? Optional.empty() : Optional.of(slot.current);
    }

    @Override
    public PutResult put(Conversation conversation) {
        Slot previous = domains
                .computeIfAbsent(conversation.domain(), d -> new ConcurrentHashMap<>())
                .put(conversation.id(), new Slot(conversation));
        return previous == null ? PutResult.CREATED : PutResult.REPLACED;
    }

    @Override
    public boolean remove(ConversationKey key) {
        ConcurrentMap<String, Slot> conversations = domains.get(key.domain());
        return conversations != null && conversations.remove(key.conversationId()) != null;
    }

    @Override
    public TransitionResult apply(ConversationKey key, Transition transition) {
        Slot slot = slot(key);
        return slot == null ? TransitionResult.noSuchConversation(key) : slot.apply(transition);
    }

    @Override
    public long size() {
        return domains.values().stream().mapToLong(ConcurrentMap::size).sum();
    }

    private Slot slot(ConversationKey key) {
        ConcurrentMap<String, Slot> conversations = domains.get(key.domain());
        return conversations == null ? null : conversations.get(key.conversationId());
    }

    /**
     * One conversation's place in the store. It keeps the conversation's free (not
     * held) state from the start, and a release that leads back to it stores that
     * same instance: with a million long-lived conversations, a release then leaves
     * no new object behind for the collector to promote or trace, which measurably
     * shortened the young pauses (README, performance).
     */
    private static final class Slot {
        private final Conversation free;
        private volatile Conversation current; // written under this slot's lock

        Slot(Conversation conversation) {
            this.current = conversation;
            this.free = conversation.isOnHold()
                    ? Conversation.of(conversation.domain(), conversation.id(), conversation.operators(), Optional.empty())
                    : conversation;
        }

        synchronized TransitionResult apply(Transition transition) {
            TransitionResult result = transition.applyTo(current);
            if (result instanceof TransitionResult.Applied applied) {
                Conversation after = applied.after();
                current = !after.isOnHold() && after.equals(free) ? free : after;
            }
            return result;
        }
    }
}
