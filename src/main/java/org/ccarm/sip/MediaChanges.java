package org.ccarm.sip;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sip.ServerTransaction;
import javax.sip.message.Response;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Refusal;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;
import org.ccarm.config.SipConfig;
import org.ccarm.logging.RateLimitedLog;
import org.ccarm.metrics.Metrics;
import org.ccarm.store.ConversationStore;
import org.ccarm.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media of calls that are up, one change at a time per call ({@link Call#lock}): a
 * command's hold or release re-INVITEs both legs and is recorded only when both accepted
 * (a refusal puts back what changed); a phone's own re-INVITE is relayed to the other leg,
 * and when the operator's phone holds or resumes, that is recorded as the operator's. No
 * thread waits for a phone: every step goes on when a leg answers.
 */
final class MediaChanges {

    private static final Logger LOG = LoggerFactory.getLogger(MediaChanges.class);
    private static final RateLimitedLog LIMITED = new RateLimitedLog(LOG, 1, TimeUnit.MINUTES);

    private final SipConfig config;
    private final ConversationStore store;
    private final CallAudit audit;
    private final Metrics metrics;
    private final Clock clock;
    private final Executor continuations;
    private final ScheduledExecutorService timers;
    private final Consumer<Leg> dialogGone;
    private volatile SipMessages sip;

    /** {@code dialogGone}: told when a leg's dialog turns out to be gone (481), which ends its call. */
    MediaChanges(SipConfig config, ConversationStore store, CallAudit audit, Metrics metrics, Clock clock,
                 Executor continuations, ScheduledExecutorService timers, Consumer<Leg> dialogGone) {
        this.config = config;
        this.store = store;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
        this.continuations = continuations;
        this.timers = timers;
        this.dialogGone = dialogGone;
    }

    void start(SipMessages messages) {
        this.sip = messages;
    }

    /**
     * A re-INVITE from a phone: relayed to the other leg (its version made that leg's) and the
     * answer back. The operator's phone holding or resuming changes the conversation, recorded
     * only when both legs accepted; anything else changes no state. While the call's media is
     * changing the re-INVITE is answered 491.
     */
    void reinvite(Leg leg, ServerTransaction transaction) {
        Call call = Calls.callOf(leg);
        if (call == null || call.state() != Call.State.UP) {
            sip.respond(transaction, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
            return;
        }
        if (!call.callerAcked.isDone() || !call.lock.tryAcquire()) {
            sip.respond(transaction, Response.REQUEST_PENDING);
            return;
        }
        long start = System.nanoTime();
        Optional<Sdp> offer = Sdp.parse(transaction.getRequest().getRawContent());
        if (offer.isEmpty()) {
            // no offer (a session refresh asking for one): the leg gets what it has, nothing is relayed
            Sdp current = leg.sent();
            sip.respond(transaction, Response.OK, null, ok -> {
                ok.setHeader(sip.contact());
                if (current != null) {
                    sip.setSdp(ok, current);
                }
            });
            call.lock.release();
            return;
        }
        Leg other = call.other(leg);
        Sdp otherBefore = other.sent();
        Sdp legBefore = leg.sent();
        other.reinvite(sip, other.next(offer.get()), config.reinviteTimeoutMillis(), timers,
                        () -> restoreLocked(call, other, otherBefore))
                .whenCompleteAsync((answer, failure) -> {
                    try {
                        relayed(call, leg, transaction, offer.get(), answer, start, legBefore, otherBefore);
                    } catch (RuntimeException e) {
                        LIMITED.warn("sip-reinvite", "a phone's re-INVITE could not be finished: " + e, e);
                        sip.respond(transaction, Response.SERVER_INTERNAL_ERROR);
                        call.lock.release();
                    }
                }, continuations);
    }

    /** The other leg answered a relayed re-INVITE: the answer goes back, and a phone's hold or resume is recorded. */
    private void relayed(Call call, Leg leg, ServerTransaction transaction, Sdp offer, Leg.Answer answer, long start,
                         Sdp legBefore, Sdp otherBefore) {
        Leg other = call.other(leg);
                    if (!answer.accepted()) {
                        if (answer.status() == Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST) {
                            dialogGone.accept(other);
                        }
                        // a timeout is not the asking leg's 408 (that would end its dialog, RFC 3261 s12.2.1.2)
                        sip.respond(transaction, answer.timedOut() ? Response.SERVER_INTERNAL_ERROR : answer.status(), null,
                                refusal -> {
                                    if (answer.timedOut()) {
                                        sip.retryAfter(refusal, 1);
                                    }
                                });
                        call.lock.release();
                        return;
                    }
                    Sdp reply = answer.sdp() == null ? legBefore : leg.next(answer.sdp());
                    if (leg != call.operatorLeg || call.key == null) {
                        answerReinvite(leg, transaction, reply);
                        call.lock.release();
                        return;
                    }
                    recordPhoneChange(call, offer.holds(), start, legBefore, otherBefore).whenComplete((ok, error) -> {
                        if (Boolean.TRUE.equals(ok)) {
                            answerReinvite(leg, transaction, reply);
                            call.lock.release();
                        } else {
                            sip.respond(transaction, Response.SERVICE_UNAVAILABLE, null, refusal -> sip.retryAfter(refusal, 5));
                            other.reinvite(sip, other.next(otherBefore), config.reinviteTimeoutMillis(), timers, () -> { })
                                    .whenComplete((restored, ignored) -> call.lock.release());
                        }
                    });
    }

    /** Puts a leg back that accepted a change after it was given up, under the call's lock like any change. */
    private void restoreLocked(Call call, Leg leg, Sdp before) {
        call.lock.acquire().thenRun(() -> restore(call, leg, before).whenComplete((done, failure) -> call.lock.release()));
    }

    private void answerReinvite(Leg leg, ServerTransaction transaction, Sdp reply) {
        sip.respond(transaction, Response.OK, null, ok -> {
            ok.setHeader(sip.contact());
            if (reply != null) {
                sip.setSdp(ok, reply);
            }
        });
        if (reply != null) {
            leg.sent(reply);
        }
    }

    /**
     * The operator's phone held ({@code holds}) or resumed: recorded as the operator's own hold or
     * release when that changes the conversation. True when recorded or nothing needed recording.
     */
    private CompletionStage<Boolean> recordPhoneChange(Call call, boolean holds, long start, Sdp operatorBefore,
                                                       Sdp callerBefore) {
        ConversationKey key = call.key;
        return store.findLater(key).thenCompose(found -> {
            if (found.isEmpty() || found.get().isOnHold() == holds) {
                return CompletableFuture.completedFuture(true);
            }
            Transition transition = holds ? new Transition.PlaceHold(Optional.of(call.operatorId), clock.instant())
                    : new Transition.ReleaseHold(Optional.of(call.operatorId), Optional.empty());
            return store.applyAsync(key, transition).thenApply(result -> {
                if (result instanceof TransitionResult.Applied applied) {
                    if (holds) {
                        call.operatorLeg.heldFrom(operatorBefore);
                        call.callerLeg.heldFrom(callerBefore);
                    } else {
                        call.operatorLeg.forgetHold();
                        call.callerLeg.forgetHold();
                    }
                    audit.line(call, holds ? "call_hold" : "call_unhold", applied.after().version(), applied.seq(),
                            applied.actingOperator(), "ok", 200, start);
                }
                return true;
            });
        }).exceptionally(failure -> {
            if (StoreUnavailableException.in(failure).isEmpty()) {
                LIMITED.warn("sip-phone-hold", "a phone's hold could not be recorded: " + failure, failure);
            }
            return false;
        });
    }

    /**
     * A command's change of {@code call}, the conversation {@code key} (a call being recorded
     * still: its change waits for the caller's ACK, which comes after the record).
     */
    CompletionStage<TransitionResult> change(Call call, ConversationKey key, Transition transition,
                                             Function<Transition, CompletionStage<TransitionResult>> record) {
        CompletableFuture<TransitionResult> outcome = new CompletableFuture<>();
        // behind another change for longer than twice the re-INVITE timeout, the command gives up (nothing changed)
        long patience = 2 * config.reinviteTimeoutMillis();
        call.lock.acquire(patience, timers).whenComplete((locked, busy) -> {
            if (busy != null) {
                outcome.complete(new TransitionResult.Refused(Refusal.MEDIA_REFUSED, "the call is busy with another change "
                        + "of its media for more than " + patience + " ms; try again", null, 0));
                return;
            }
            CompletionStage<Void> done;
            try {
                done = changeLocked(call, key, transition, record, outcome);
            } catch (RuntimeException e) {
                done = CompletableFuture.failedFuture(e);
            }
            done.whenComplete((ignored, failure) -> {
                call.lock.release();
                if (failure != null) {
                    outcome.completeExceptionally(failure);
                }
            });
        });
        return outcome;
    }

    /**
     * Under the call's lock: the rules first, then both legs, then the record. {@code outcome}
     * is completed as soon as it is known; the stage returned completes when the legs are
     * settled (put back after a refusal), which is when the lock may pass on.
     */
    private CompletionStage<Void> changeLocked(Call call, ConversationKey key, Transition transition,
                                               Function<Transition, CompletionStage<TransitionResult>> record,
                                               CompletableFuture<TransitionResult> outcome) {
        return call.callerAcked.thenCompose(acked -> store.findLater(key)).thenComposeAsync(found -> {
            if (found.isEmpty() || call.isOver()) {
                outcome.complete(TransitionResult.noSuchConversation(key));
                return CompletableFuture.completedFuture(null);
            }
            TransitionResult preview = transition.applyTo(found.get());
            if (!(preview instanceof TransitionResult.Applied applied)) {
                outcome.complete(preview);
                return CompletableFuture.completedFuture(null);
            }
            boolean hold = applied.after().isOnHold();
            String change = hold ? "hold" : "release";
            Sdp callerBefore = call.callerLeg.sent();
            Sdp operatorBefore = call.operatorLeg.sent();
            return changeLeg(call, call.callerLeg, hold).thenCompose(callerAnswer -> {
                if (!callerAnswer.accepted()) {
                    outcome.complete(legRefused(call, found.get(), applied, call.callerLeg, change, callerAnswer));
                    return CompletableFuture.<Void>completedFuture(null);
                }
                return changeLeg(call, call.operatorLeg, hold).thenCompose(operatorAnswer -> {
                    if (!operatorAnswer.accepted()) {
                        outcome.complete(legRefused(call, found.get(), applied, call.operatorLeg, change, operatorAnswer));
                        return restore(call, call.callerLeg, callerBefore);
                    }
                    return CompletableFuture.supplyAsync(() -> record.apply(transition), continuations)
                            .thenCompose(Function.identity()).handle((result, failure) -> {
                        if (failure == null && result instanceof TransitionResult.Applied) {
                            if (hold) {
                                call.callerLeg.heldFrom(callerBefore);
                                call.operatorLeg.heldFrom(operatorBefore);
                            } else {
                                call.callerLeg.forgetHold();
                                call.operatorLeg.forgetHold();
                            }
                            outcome.complete(result);
                            return CompletableFuture.<Void>completedFuture(null);
                        }
                        // not recorded (the store refused or could not be reached): the media goes back as it was
                        if (failure != null) {
                            outcome.completeExceptionally(failure);
                        } else {
                            outcome.complete(result);
                        }
                        return restore(call, call.callerLeg, callerBefore)
                                .thenCompose(ignored -> restore(call, call.operatorLeg, operatorBefore));
                    }).thenCompose(Function.identity());
                });
            });
        }, continuations);
    }

    /** Offers a leg the hold, or the release (its media from before the hold). */
    private CompletableFuture<Leg.Answer> changeLeg(Call call, Leg leg, boolean hold) {
        Sdp current = leg.sent();
        if (call.isOver()) {
            return CompletableFuture.completedFuture(new Leg.Answer(481, "Call/Transaction Does Not Exist", null, false));
        }
        if (current == null) {
            return CompletableFuture.completedFuture(new Leg.Answer(488, "Not Acceptable Here (no media to change)", null,
                    false));
        }
        Sdp offer = hold ? leg.next(current.withDirection(config.holdDirection())) : leg.next(leg.beforeHold());
        long start = System.nanoTime();
        Sdp before = current;
        return leg.reinvite(sip, offer, config.reinviteTimeoutMillis(), timers, () -> restoreLocked(call, leg, before))
                .whenComplete((answer, failure) -> {
                    metrics.sipReinvite(answer == null ? "failed"
                            : answer.accepted() ? "accepted" : answer.timedOut() ? "timeout" : "refused",
                            System.nanoTime() - start);
                    if (answer != null && answer.status() == Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST) {
                        dialogGone.accept(leg); // the leg's dialog is gone (RFC 3261 s12.2.1.2): so is the call
                    }
                });
    }

    private CompletionStage<Void> restore(Call call, Leg leg, Sdp before) {
        if (call.isOver() || before == null) {
            return CompletableFuture.completedFuture(null);
        }
        return leg.reinvite(sip, leg.next(before), config.reinviteTimeoutMillis(), timers, () -> { })
                .thenAccept(answer -> {
                    if (!answer.accepted()) {
                        LIMITED.warn("sip-restore", "the " + leg.name() + "'s leg of conversation "
                                + call.key.conversationId() + " could not be put back: " + answer.describe(
                                config.reinviteTimeoutMillis()), null);
                    }
                });
    }

    private TransitionResult legRefused(Call call, Conversation current, TransitionResult.Applied applied, Leg leg,
                                        String change, Leg.Answer answer) {
        if (call.isOver()) {
            return TransitionResult.noSuchConversation(current.key());
        }
        String how = answer.status() == Response.REQUEST_PENDING && !answer.timedOut()
                ? " is busy with another change; try again (491 Request Pending)"
                : " refused the " + change + ": " + answer.describe(config.reinviteTimeoutMillis());
        return new TransitionResult.Refused(Refusal.MEDIA_REFUSED, "the " + leg.name() + "'s leg" + how,
                applied.actingOperator(), current.version());
    }
}
