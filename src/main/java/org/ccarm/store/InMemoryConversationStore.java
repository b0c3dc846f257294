package org.ccarm.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Hold;
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
        return slot == null ? Optional.empty() : Optional.of(slot.current());
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
     * One conversation's place in the store. It keeps the call (domain, id, operators),
     * which never changes, and the hold as two numbers: which operator (an index into
     * the operators) and since when. A hold or a release then writes no reference at
     * all: nothing new for the collector to promote and later reclaim from the old
     * generation, and no card for G1's barrier to dirty and its refinement threads to
     * scan. Both made a store of a million conversations slower per request than one of
     * a thousand (README, performance). The conversation handed to a transition is
     * rebuilt from these fields; it dies young.
     */
    private static final class Slot {
        private static final int NOT_HELD = -1;

        private final String domain;
        private final String id;
        private final List<String> operators;
        private int holder = NOT_HELD; // guarded by this
        private long heldSinceMillis;

        Slot(Conversation conversation) {
            this.domain = conversation.domain();
            this.id = conversation.id();
            this.operators = conversation.operators();
            record(conversation);
        }

        synchronized Conversation current() {
            Optional<Hold> hold = holder == NOT_HELD ? Optional.empty()
                    : Optional.of(new Hold(operators.get(holder), Instant.ofEpochMilli(heldSinceMillis)));
            return Conversation.of(domain, id, operators, hold);
        }

        synchronized TransitionResult apply(Transition transition) {
            TransitionResult result = transition.applyTo(current());
            if (result instanceof TransitionResult.Applied applied) {
                record(applied.after()); // a transition changes the hold, never the call
            }
            return result;
        }

        private void record(Conversation conversation) {
            Optional<Hold> hold = conversation.hold();
            // a holder always takes part (Conversation guarantees it), so the index is found
            holder = hold.map(h -> operators.indexOf(h.heldBy())).orElse(NOT_HELD);
            heldSinceMillis = hold.map(h -> h.since().toEpochMilli()).orElse(0L);
        }
    }
}
