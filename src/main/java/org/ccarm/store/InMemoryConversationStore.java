package org.ccarm.store;

import java.time.Instant;
import java.util.Arrays;
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
import org.ccarm.events.ConversationEvent;
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
    private final LocalHandovers handovers = new LocalHandovers();
    private final InMemoryCallOwners callOwners = new InMemoryCallOwners();
    private final Object[] stripes = new Object[64];

    public InMemoryConversationStore() {
        this(EventLog.DEFAULT_RETAINED);
    }

    /** A store whose streams each retain the last {@code retainedEvents} events. */
    public InMemoryConversationStore(int retainedEvents) {
        this.events = new InMemoryEventLog(retainedEvents, this::conversations);
        Arrays.setAll(stripes, i -> new Object());
    }

    @Override
    public Optional<Conversation> find(ConversationKey key) {
        Slot slot = slot(key);
        return slot == null ? Optional.empty() : Optional.ofNullable(slot.current());
    }

    /**
     * Creates or replaces the conversation, then records its event. The new slot goes into
     * the map first, not yet announced: a transition or a snapshot that finds it waits
     * until its event is recorded, so a transition's event never comes before the put's,
     * and a snapshot that did not find it began before the put, whose event then comes
     * after the snapshot's end. (Recording inside the map's compute would leave a moment
     * when the event exists and the slot cannot be seen; holding a lock across compute
     * would deadlock with a resize of the map.) The put and remove of one conversation are
     * serialised by a striped lock, so that their events come in the order of the changes.
     */
    @Override
    public Put put(Conversation conversation) {
        ConversationKey key = conversation.key();
        long seq;
        Conversation[] stored = {null};
        Slot[] fresh = {null};
        synchronized (stripe(key)) {
            Conversation[] former = {null};
            domains.computeIfAbsent(conversation.domain(), d -> new ConcurrentHashMap<>())
                    .compute(conversation.id(), (id, old) -> {
                        former[0] = old == null ? null : old.retire();
                        stored[0] = conversation.recordedAs(conversation.hold(),
                                former[0] == null ? 1 : former[0].version() + 1);
                        fresh[0] = new Slot(stored[0], events, false);
                        return fresh[0];
                    });
            seq = fresh[0].announce(ChangeEvents.between(former[0], stored[0], null, now()));
        }
        events.changed(key.domain());
        return new Put(stored[0].version() == 1, stored[0], seq);
    }

    @Override
    public Optional<Removed> remove(ConversationKey key) {
        ConcurrentMap<String, Slot> conversations = domains.get(key.domain());
        if (conversations == null) {
            return Optional.empty();
        }
        Removed[] removed = {null};
        synchronized (stripe(key)) {
            conversations.computeIfPresent(key.conversationId(), (id, old) -> {
                Conversation last = old.retire();
                // the stream's lock is a leaf (it waits for nothing): safe to take inside compute
                long seq = events.record(ChangeEvents.between(last, null, null, now())).seq();
                removed[0] = new Removed(last.version() + 1, seq);
                return null;
            });
        }
        if (removed[0] != null) {
            events.changed(key.domain());
        }
        return Optional.ofNullable(removed[0]);
    }

    private Object stripe(ConversationKey key) {
        return stripes[(key.hashCode() & Integer.MAX_VALUE) % stripes.length];
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
                events.changed(key.domain()); // its event was recorded with it; now, out of the slot's lock, it may go out
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
            if (slots.putIfAbsent(conversation.id(), new Slot(conversation.recordedAs(conversation.hold(), 1), events, true)) == null) {
                loaded++;
            }
        }
        return loaded;
    }

    @Override
    public EventLog events() {
        return events;
    }

    @Override
    public CallOwners callOwners() {
        return callOwners;
    }

    @Override
    public Handovers handovers() {
        return handovers;
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
     * One conversation's place in the store. It keeps the call as it was last put (the
     * record, minus what a transition changes), and the hold and version as numbers: which
     * operator (an index into the operators), since when, and how many changes. A hold or
     * a release then writes no reference at all: nothing new for the collector to promote
     * and later reclaim from the old generation, and no card for G1's barrier to dirty and
     * its refinement threads to scan. Both made a store of a million conversations slower
     * per request than one of a thousand (README, performance). The conversation handed
     * to a transition is rebuilt from these fields; it dies young. A transition that
     * changes more than the hold (none does yet) has its whole state kept as the call.
     */
    private static final class Slot {
        private static final int NOT_HELD = -1;

        private final InMemoryEventLog events;
        private Conversation call; // guarded by this, like every field below; its hold and version are not used
        private int holder = NOT_HELD;
        private long heldSinceMillis;
        private long version;
        private boolean retired;
        private boolean announced; // false from a put until its event is recorded: readers wait

        /** A slot for {@code recorded}, at its version. */
        Slot(Conversation recorded, InMemoryEventLog events, boolean announced) {
            this.events = events;
            this.announced = announced;
            this.call = recorded;
            record(recorded);
        }

        /** The state as it is; null once retired. */
        synchronized Conversation current() {
            awaitAnnounced();
            return retired ? null : state();
        }

        /** Records the put that made this slot, and lets its readers in; the event's seq. */
        synchronized long announce(ConversationEvent put) {
            long seq = events.record(put).seq();
            announced = true;
            notifyAll();
            return seq;
        }

        /** Waits (briefly: the putting thread announces right after the map's compute) until the put is recorded. */
        private void awaitAnnounced() {
            boolean interrupted = false;
            while (!announced) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /** The result, or null when the slot was retired and the caller must look again. */
        synchronized TransitionResult apply(Transition transition) {
            awaitAnnounced();
            if (retired) {
                return null;
            }
            Conversation before = state();
            TransitionResult result = transition.applyTo(before);
            if (result instanceof TransitionResult.Applied applied) {
                Conversation after = applied.after();
                if (!after.sameCallAs(call)) {
                    call = after;
                }
                record(after);
                // recorded under this slot's lock: the change and its event happen together
                return applied.recordedAs(events.record(
                        ChangeEvents.between(before, after, applied.actingOperator(), now())).seq());
            }
            return result;
        }

        /** No more transitions land here; returns the last state. Never waits: it runs inside the map's compute. */
        synchronized Conversation retire() {
            retired = true;
            return state();
        }

        private Conversation state() {
            Optional<Hold> hold = holder == NOT_HELD ? Optional.empty()
                    : Optional.of(new Hold(call.operators().get(holder), Instant.ofEpochMilli(heldSinceMillis)));
            return call.recordedAs(hold, version);
        }

        private void record(Conversation state) {
            Optional<Hold> hold = state.hold();
            // a holder always takes part (Conversation guarantees it), so the index is found
            holder = hold.map(h -> state.operators().indexOf(h.heldBy())).orElse(NOT_HELD);
            heldSinceMillis = hold.map(h -> h.since().toEpochMilli()).orElse(0L);
            version = state.version();
        }
    }
}
