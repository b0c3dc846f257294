package org.ccarm.feed;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.ccarm.audit.AuditEntry;
import org.ccarm.audit.AuditLog;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.store.ConversationStore;
import org.ccarm.store.Handovers;
import org.ccarm.store.StoreUnavailableException;

/**
 * The switch feed's service: the changes the telephone switch reports (a conversation
 * created, replaced or ended) and reads of the current state. Every change of a
 * conversation that is not a command goes through here, whatever transport carried it,
 * and each is audited like a command's, with the conversation's version.
 */
public final class SwitchFeed {

    /** What a report did: created or replaced this conversation (with its new version). */
    public record Reported(boolean created, Conversation conversation) {}

    private final ConversationStore store;
    private final ConversationJson json;
    private final AuditLog audit;
    private final Executor continuations;
    private volatile CallHangUp calls = CallHangUp.NONE;

    /** The calls the instances carry (SIP), which a DELETE hangs up before it ends them. */
    public interface CallHangUp {
        CallHangUp NONE = key -> CompletableFuture.completedFuture(null);

        /**
         * Hangs the call up (a BYE on each leg) wherever it is carried, here or by the
         * instance it is handed to; completes when that is done or cannot be (the owner does not
         * answer: the conversation ends anyway). Nothing for a conversation that is no call.
         */
        CompletionStage<Void> hangUp(ConversationKey key);
    }

    /**
     * {@code continuations}: where a change that waited on the store is finished (audited,
     * answered), as the dispatcher finishes commands: never on the store client's own
     * threads, which an audit waiting for the disk or a slow client must not hold up.
     */
    public SwitchFeed(ConversationStore store, ConversationJson json, AuditLog audit, Executor continuations) {
        this.store = store;
        this.json = json;
        this.audit = audit;
        this.continuations = continuations;
    }

    /** Who hangs up the calls this server carries when the feed ends them (set once SIP has started). */
    public void hangUpWith(CallHangUp carried) {
        this.calls = carried;
    }

    /**
     * The conversation as it is, answered when the store has; every method here answers
     * later, with no thread waiting on the store, and fails with
     * {@link FeedUnavailableException} when the store cannot be reached.
     */
    public CompletionStage<Optional<Conversation>> find(ConversationKey key) {
        return available(store.findLater(key));
    }

    /**
     * Creates or replaces the conversation the JSON body describes; a bad body changes
     * nothing and fails the stage with {@link InvalidConversationException}, as a synced
     * audit that cannot be written does with {@link AuditUnavailableException}.
     */
    public CompletionStage<Reported> report(ConversationKey key, byte[] body, String requestId) {
        long start = System.nanoTime();
        if (!audit.acceptsChanges()) {
            return CompletableFuture.failedFuture(new AuditUnavailableException());
        }
        Conversation reported;
        try {
            reported = json.read(key.domain(), key.conversationId(), body);
        } catch (InvalidConversationException e) {
            return CompletableFuture.failedFuture(e);
        }
        // a SIP call's state is the phones': the feed may end it, not rewrite it (a call created between this read
        // and the put would need its random id guessed)
        return available(store.findLater(key)).thenCompose(existing -> existing.isPresent() && existing.get().isCarriedCall()
                ? CompletableFuture.failedFuture(new CarriedCallException(key.conversationId()))
                : available(store.putLater(reported))).thenApply(put -> {
            if (!audit(key, "feed_put", put.stored().version(), put.seq(), put.created() ? "created" : "replaced",
                    put.created() ? 201 : 200, start, requestId)) {
                throw new CompletionException(AuditUnavailableException.afterTheChange());
            }
            return new Reported(put.created(), put.stored());
        });
    }

    /** Ends a conversation; false when there was none ({@link AuditUnavailableException} as {@link #report}). */
    public CompletionStage<Boolean> end(ConversationKey key, String requestId) {
        long start = System.nanoTime();
        if (!audit.acceptsChanges()) {
            return CompletableFuture.failedFuture(new AuditUnavailableException());
        }
        // the call is hung up first, wherever it is carried; an owner that does not answer ends nothing
        return available(calls.hangUp(key)).exceptionallyCompose(failure -> CompletableFuture.failedFuture(
                        StoreUnavailableException.unwrap(failure) instanceof Handovers.Unanswered unanswered
                                ? new OwnerUnavailableException(unanswered.getMessage()) : StoreUnavailableException.unwrap(failure)))
                .thenCompose(hungUp -> available(store.removeLater(key))).thenApply(removed -> {
            if (removed.isPresent() && !audit(key, "feed_delete", removed.get().version(), removed.get().seq(), "ended",
                    204, start, requestId)) {
                throw new CompletionException(AuditUnavailableException.afterTheChange());
            }
            return removed.isPresent();
        });
    }

    /**
     * The store's stage, finished on the continuation threads (at once when it is done
     * already, as an in-memory store's is), its unavailability said as the feed says it.
     */
    private <T> CompletionStage<T> available(CompletionStage<T> stage) {
        CompletableFuture<T> pending = stage.toCompletableFuture();
        CompletionStage<T> finishing = pending.isDone() ? pending : pending.whenCompleteAsync((value, failure) -> { },
                continuations);
        return finishing.exceptionallyCompose(failure -> CompletableFuture.failedFuture(
                StoreUnavailableException.in(failure).<Throwable>map(SwitchFeed::unavailable)
                        .orElse(StoreUnavailableException.unwrap(failure))));
    }

    /** The feed's JSON, for the transport that answers it. */
    public ConversationJson json() {
        return json;
    }

    private static FeedUnavailableException unavailable(StoreUnavailableException e) {
        return new FeedUnavailableException(e.outcomeUnknown()
                ? "the store did not confirm the change: its outcome is unknown; read the conversation back to learn it"
                : "the store cannot be reached now; nothing was changed; try again shortly", e);
    }

    /** Records the change's line; false when a synced audit did not keep it. */
    private boolean audit(ConversationKey key, String change, long version, long seq, String outcome, int status,
                          long start, String requestId) {
        return audit.record(new AuditEntry("feed", key.domain(), change, key.conversationId(), version, seq, null, outcome,
                status, (System.nanoTime() - start) / 1_000, requestId, null));
    }
}
