package org.ccarm.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;
import org.ccarm.events.EventLog;
import org.ccarm.store.CallOwners;
import org.ccarm.store.ConversationStore;
import org.ccarm.store.Handovers;
import org.ccarm.store.StoreUnavailableException;

/**
 * A store that times each operation and counts the ones that fail, around any store:
 * no store implementation knows of metrics. {@code kind} is {@code unavailable} (nothing
 * was changed) or {@code outcome_unknown} (a change was sent and its reply was lost).
 */
public final class MeteredConversationStore implements ConversationStore {

    private final ConversationStore store;
    private final Op find;
    private final Op apply;
    private final Op put;
    private final Op remove;

    private static final class Op {
        final Timer timer;
        final Counter unavailable;
        final Counter unknown;

        Op(Metrics metrics, String name) {
            timer = metrics.storeTimer(name);
            unavailable = metrics.storeErrors(name, "unavailable");
            unknown = metrics.storeErrors(name, "outcome_unknown");
        }

        <T> T run(Supplier<T> operation) {
            long start = System.nanoTime();
            try {
                return operation.get();
            } catch (StoreUnavailableException e) {
                (e.outcomeUnknown() ? unknown : unavailable).increment();
                throw e;
            } finally {
                timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        }

        /** The same for an operation answered later: timed and counted when it completes. */
        <T> CompletionStage<T> runLater(Supplier<CompletionStage<T>> operation) {
            long start = System.nanoTime();
            return operation.get().whenComplete((value, failure) -> {
                timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
                StoreUnavailableException.in(failure).ifPresent(e -> (e.outcomeUnknown() ? unknown : unavailable).increment());
            });
        }
    }

    private MeteredConversationStore(ConversationStore store, Metrics metrics) {
        this.store = store;
        this.find = new Op(metrics, "find");
        this.apply = new Op(metrics, "apply");
        this.put = new Op(metrics, "put");
        this.remove = new Op(metrics, "remove");
    }

    /** {@code store}, timed when metrics are on; itself when they are off. */
    public static ConversationStore around(ConversationStore store, Metrics metrics) {
        return metrics.isEnabled() ? new MeteredConversationStore(store, metrics) : store;
    }

    @Override
    public Optional<Conversation> find(ConversationKey key) {
        return find.run(() -> store.find(key));
    }

    @Override
    public Put put(Conversation conversation) {
        return put.run(() -> store.put(conversation));
    }

    @Override
    public Optional<Removed> remove(ConversationKey key) {
        return remove.run(() -> store.remove(key));
    }

    @Override
    public TransitionResult apply(ConversationKey key, Transition transition) {
        return apply.run(() -> store.apply(key, transition));
    }

    @Override
    public CompletionStage<TransitionResult> applyAsync(ConversationKey key, Transition transition) {
        return apply.runLater(() -> store.applyAsync(key, transition));
    }

    @Override
    public CompletionStage<Optional<Conversation>> findLater(ConversationKey key) {
        return find.runLater(() -> store.findLater(key));
    }

    @Override
    public CompletionStage<Put> putLater(Conversation conversation) {
        return put.runLater(() -> store.putLater(conversation));
    }

    @Override
    public CompletionStage<Optional<Removed>> removeLater(ConversationKey key) {
        return remove.runLater(() -> store.removeLater(key));
    }

    @Override
    public int loadFixtureOnce(String domain, List<Conversation> conversations) {
        return store.loadFixtureOnce(domain, conversations);
    }

    @Override
    public EventLog events() {
        return store.events();
    }

    @Override
    public CallOwners callOwners() {
        return store.callOwners();
    }

    @Override
    public Handovers handovers() {
        return store.handovers();
    }

    @Override
    public boolean isReachable() {
        return store.isReachable();
    }

    @Override
    public boolean isReachableFor(Collection<String> domains) {
        return store.isReachableFor(domains);
    }

    @Override
    public void close() {
        store.close();
    }
}
