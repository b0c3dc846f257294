package org.ccarm.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Hold;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;
import org.ccarm.events.ChangeEvents;
import org.ccarm.events.EventLog;

/**
 * A store in this process's memory: one concurrent map per domain, one {@link Slot}
 * per conversation. A transition runs under its slot's lock, so concurrent
 * transitions of one conversation are serialised and those of different
 * conversations are not. Replacing or ending a conversation retires its slot under
 * the same lock, so a transition racing with the switch feed either lands before the
 * replacement (and is counted in its version) or is applied to the new state.
 */
public final class InMemoryConversationStore implements ConversationStore {

    private static final int SNAPSHOT_BATCH = 256;

    private final ConcurrentMap<String, ConcurrentMap<String, Slot>> domains = new ConcurrentHashMap<>();
    private final InMemoryEventLog events;

    public InMemoryConversationStore() {
        this(EventLog.DEFAULT_RETAINED);
    }

    /** A store whose streams each retain the last {@code retainedEvents} events. */
    public InMemoryConversationStore(int retainedEvents) {
        this.events = new InMemoryEventLog(retainedEvents, this::conversations);
    }

    @Override
    public Optional<Conversation> find(ConversationKey key) {
        Slot slot = slot(key);
        return slot == null ? Optional.empty() : Optional.ofNullable(slot.current());
    }

    @Override
    public Put put(Conversation conversation) {
        Slot fresh = new Slot(conversation, 0, events);
        long version;
        long seq;
        synchronized (fresh) {
            long[] versions = new long[1];
            List<List<String>> former = new ArrayList<>(1);
            domains.computeIfAbsent(conversation.domain(), d -> new ConcurrentHashMap<>())
                    .compute(conversation.id(), (id, old) -> {
                        versions[0] = old == null ? 1 : old.retire() + 1;
                        former.add(old == null ? List.of() : old.operators);
                        return fresh;
                    });
            version = versions[0];
            fresh.version = version;
            // recorded once the slot is in the map, under its lock: a snapshot that finds it waits for the
            // event; one that did not find it began before it, so the event comes after its end, and a
            // transition of the new slot records its event after this one
            seq = events.record(ChangeEvents.put(conversation, former.get(0), now())).seq();
        }
        events.changed();
        return new Put(version == 1, Conversation.of(conversation.domain(), conversation.id(),
                conversation.operators(), conversation.hold(), version), seq);
    }

    @Override
    public Optional<Removed> remove(ConversationKey key) {
        ConcurrentMap<String, Slot> conversations = domains.get(key.domain());
        if (conversations == null) {
            return Optional.empty();
        }
        Removed[] removed = {null};
        conversations.computeIfPresent(key.conversationId(), (id, old) -> {
            long version = old.retire() + 1;
            long seq = events.record(ChangeEvents.removed(key, old.operators, now())).seq();
            removed[0] = new Removed(version, seq);
            return null;
        });
        if (removed[0] != null) {
            events.changed();
        }
        return Optional.ofNullable(removed[0]);
    }

    @Override
    public TransitionResult apply(ConversationKey key, Transition transition) {
        while (true) {
            Slot slot = slot(key);
            if (slot == null) {
                return TransitionResult.noSuchConversation(key);
            }
            TransitionResult result = slot.apply(transition);
            if (result instanceof TransitionResult.Applied) {
                events.changed(); // its event was recorded with it; now, out of the slot's lock, it may go out
            }
            if (result != null) {
                return result;
            }
            // the slot was replaced or ended while we looked it up: apply to what is there now
        }
    }

    /** This process's memory starts empty: a fixture is loaded at every start. */
    @Override
    public int loadFixtureOnce(String domain, List<Conversation> conversations) {
        ConcurrentMap<String, Slot> slots = domains.computeIfAbsent(domain, d -> new ConcurrentHashMap<>());
        int loaded = 0;
        for (Conversation conversation : conversations) {
            if (slots.putIfAbsent(conversation.id(), new Slot(conversation, 1, events)) == null) {
                loaded++;
            }
        }
        return loaded;
    }

    @Override
    public EventLog events() {
        return events;
    }

    /** The domain's conversations as they are now, in batches (a conversation changing meanwhile may show either state). */
    private Iterator<List<Conversation>> conversations(String domain) {
        ConcurrentMap<String, Slot> slots = domains.getOrDefault(domain, new ConcurrentHashMap<>());
        return InMemoryEventLog.batches(slots.values().stream().map(Slot::current).filter(Objects::nonNull).iterator(),
                SNAPSHOT_BATCH);
    }

    private static Instant now() {
        return Instant.ofEpochMilli(System.currentTimeMillis());
    }

    /** How many conversations the store holds, over all domains. */
    public long size() {
        return domains.values().stream().mapToLong(ConcurrentMap::size).sum();
    }

    @Override
    public boolean isReachable() {
        return true;
    }

    @Override
    public void close() {
        // nothing to release
    }

    private Slot slot(ConversationKey key) {
        ConcurrentMap<String, Slot> conversations = domains.get(key.domain());
        return conversations == null ? null : conversations.get(key.conversationId());
    }

    /**
     * One conversation's place in the store. It keeps the call (domain, id, operators),
     * which never changes, and the hold and version as numbers: which operator (an index
     * into the operators), since when, and how many changes. A hold or a release then
     * writes no reference at all: nothing new for the collector to promote and later
     * reclaim from the old generation, and no card for G1's barrier to dirty and its
     * refinement threads to scan. Both made a store of a million conversations slower
     * per request than one of a thousand (README, performance). The conversation handed
     * to a transition is rebuilt from these fields; it dies young.
     */
    private static final class Slot {
        private static final int NOT_HELD = -1;

        private final String domain;
        private final String id;
        private final List<String> operators;
        private final InMemoryEventLog events;
        private int holder = NOT_HELD; // guarded by this, like every field below
        private long heldSinceMillis;
        private long version; // set by put() under this lock before anyone can read it
        private boolean retired;

        Slot(Conversation conversation, long version, InMemoryEventLog events) {
            this.events = events;
            this.domain = conversation.domain();
            this.id = conversation.id();
            this.operators = conversation.operators();
            this.version = version;
            record(conversation);
        }

        /** The state as it is; null once retired. */
        synchronized Conversation current() {
            return retired ? null : state();
        }

        /** The result, or null when the slot was retired and the caller must look again. */
        synchronized TransitionResult apply(Transition transition) {
            if (retired) {
                return null;
            }
            TransitionResult result = transition.applyTo(state());
            if (result instanceof TransitionResult.Applied applied) {
                record(applied.after()); // a transition changes the hold, never the call
                version = applied.after().version();
                // recorded under this slot's lock: the change and its event happen together
                return applied.recordedAs(events.record(ChangeEvents.applied(applied, now())).seq());
            }
            return result;
        }

        /** No more transitions land here; returns the last version. */
        synchronized long retire() {
            retired = true;
            return version;
        }

        private Conversation state() {
            Optional<Hold> hold = holder == NOT_HELD ? Optional.empty()
                    : Optional.of(new Hold(operators.get(holder), Instant.ofEpochMilli(heldSinceMillis)));
            return Conversation.of(domain, id, operators, hold, version);
        }

        private void record(Conversation conversation) {
            Optional<Hold> hold = conversation.hold();
            // a holder always takes part (Conversation guarantees it), so the index is found
            holder = hold.map(h -> operators.indexOf(h.heldBy())).orElse(NOT_HELD);
            heldSinceMillis = hold.map(h -> h.since().toEpochMilli()).orElse(0L);
        }
    }
}
