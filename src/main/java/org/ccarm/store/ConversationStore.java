package org.ccarm.store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;
import org.ccarm.events.EventLog;

/**
 * The conversations of every domain this server serves. Implementations are
 * thread-safe, and every change is atomic: of any number of concurrent changes of one
 * conversation, each sees the state the previous one left, and each raises the
 * conversation's version by one. A store shared by several servers may be unreachable:
 * then every method throws {@link StoreUnavailableException}, within its timeout.
 */
public interface ConversationStore extends AutoCloseable {

    /**
     * What {@link #put} did: created or replaced the conversation, now at {@code stored}'s
     * version; {@code seq} is its event's place in the domain's stream.
     */
    record Put(boolean created, Conversation stored, long seq) {}

    /** What {@link #remove} did: ended the conversation with its last {@code version}, event {@code seq}. */
    record Removed(long version, long seq) {}

    Optional<Conversation> find(ConversationKey key);

    /**
     * Creates or replaces the conversation under its own key (as the switch reports
     * it). A new conversation starts at version 1; a replaced one continues its count.
     */
    Put put(Conversation conversation);

    /** Ends a conversation; that last change, or empty when there was none. */
    Optional<Removed> remove(ConversationKey key);

    /**
     * Applies {@code transition} to the conversation atomically. A conversation that
     * does not exist is refused with {@link org.ccarm.callcontrol.Refusal#NO_SUCH_CONVERSATION}.
     */
    TransitionResult apply(ConversationKey key, Transition transition);

    /**
     * {@link #apply}, answered later: a store that waits on the network completes it when the
     * network answers, and no thread waits meanwhile. Fails with
     * {@link StoreUnavailableException} as {@link #apply} throws it. A store in this process
     * answers at once.
     */
    default CompletionStage<TransitionResult> applyAsync(ConversationKey key, Transition transition) {
        return Later.now(() -> apply(key, transition));
    }

    /** {@link #find}, answered later, as {@link #applyAsync} is. */
    default CompletionStage<Optional<Conversation>> findLater(ConversationKey key) {
        return Later.now(() -> find(key));
    }

    /** {@link #put}, answered later, as {@link #applyAsync} is. */
    default CompletionStage<Put> putLater(Conversation conversation) {
        return Later.now(() -> put(conversation));
    }

    /** {@link #remove}, answered later, as {@link #applyAsync} is. */
    default CompletionStage<Optional<Removed>> removeLater(ConversationKey key) {
        return Later.now(() -> remove(key));
    }

    /**
     * Loads a domain's fixture, once ever: a shared store remembers that it did, so a
     * restarting server neither overwrites live state nor brings back a conversation that
     * has ended since. Conversations that already exist are left as they are. Returns how
     * many were loaded, or -1 when the domain's fixture had been loaded before.
     */
    int loadFixtureOnce(String domain, List<Conversation> conversations);

    /**
     * The stream of every change above: each {@link #apply} that applied, {@link #put} and
     * {@link #remove} records its event here atomically with the change (a fixture's load
     * records none: a subscription's snapshot shows what it loaded).
     */
    EventLog events();

    /** The instances carrying SIP calls, and what they keep of their calls' dialogs. */
    CallOwners callOwners();

    /** Requests from this instance to others sharing the store, and theirs to it (a call's commands to its owner). */
    Handovers handovers();

    /** Whether the store answers now (for readiness); never throws. */
    boolean isReachable();

    /**
     * Whether the store answers now for these domains (for readiness); never throws. On a
     * Redis Cluster each domain lives on the shard of its hash slot: a node that holds none
     * of them may be down without making this instance unready.
     */
    default boolean isReachableFor(Collection<String> domains) {
        return isReachable();
    }

    @Override
    void close();
}
