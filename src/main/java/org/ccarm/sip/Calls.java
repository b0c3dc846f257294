package org.ccarm.sip;

import java.text.ParseException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.ccarm.audit.AuditEntry;
import org.ccarm.audit.AuditLog;
import org.ccarm.auth.AuthStore;
import org.ccarm.auth.Binding;
import org.ccarm.callcontrol.Caller;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Refusal;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;
import org.ccarm.command.CarriedCalls;
import org.ccarm.config.SipConfig;
import org.ccarm.feed.SwitchFeed;
import org.ccarm.logging.RateLimitedLog;
import org.ccarm.metrics.Metrics;
import org.ccarm.store.ConversationStore;
import org.ccarm.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The back-to-back user agent: each call from a caller to an operator's number becomes two
 * dialogs, the caller's and the operator phone's, and the conversation the operator answered.
 * It relays what the two sides say to each other, turns holds (commands, or the phone's own)
 * into re-INVITEs of both legs, and records what happened only when both legs accepted it.
 * Nothing here waits: the store and the phones answer later, on other threads.
 */
final class Calls implements CarriedCalls, SwitchFeed.CallHangUp {

    private static final Logger LOG = LoggerFactory.getLogger(Calls.class);
    private static final RateLimitedLog LIMITED = new RateLimitedLog(LOG, 1, TimeUnit.MINUTES);
    /** How long a retry waits when the store could not record a call's end. */
    private static final long END_RETRY_MILLIS = 1_000;

    private final SipConfig config;
    private final ConversationStore store;
    private final AuthStore operators;
    private final AuditLog audit;
    private final Metrics metrics;
    private final Clock clock;
    private final Executor continuations;
    private final ScheduledExecutorService timers;
    private final Map<ConversationKey, Call> byConversation = new ConcurrentHashMap<>();
    private final Map<String, Call> ringing = new ConcurrentHashMap<>(); // by the caller's Call-ID and From tag
    private final AtomicInteger active = new AtomicInteger();
    private volatile SipMessages sip;

    Calls(SipConfig config, ConversationStore store, AuthStore operators, AuditLog audit, Metrics metrics, Clock clock,
          Executor continuations, ScheduledExecutorService timers) {
        this.config = config;
        this.store = store;
        this.operators = operators;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
        this.continuations = continuations;
        this.timers = timers;
    }

    void start(SipMessages messages) {
        this.sip = messages;
    }

    /** Calls set up or being set up now (what {@code sip.max-calls} bounds). */
    int active() {
        return active.get();
    }

    /** Calls answered and not ended. */
    int up() {
        return byConversation.size();
    }

    // ---- a new call ----

    /** A new INVITE to {@code operatorId} of {@code domain}: routed to the operator's phone, or refused. */
    void invite(ServerTransaction transaction, String domain, String operatorId) {
        Request request = transaction.getRequest();
        if (active.incrementAndGet() > config.maxCalls()) {
            active.decrementAndGet();
            sip.respond(transaction, Response.SERVICE_UNAVAILABLE, null, response -> sip.retryAfter(response, 5));
            metrics.sipCallSetup("busy");
            return;
        }
        sip.respond(transaction, Response.TRYING);
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        Call call = new Call(domain, operatorId, Caller.of(from.getAddress().getURI().toString(),
                from.getAddress().getDisplayName()), transaction);
        ringing.put(ringingKey(request), call);
        operators.operatorLater(domain, operatorId)
                .thenCompose(operator -> operator.isEmpty() ? CompletableFuture.completedFuture(null)
                        : operators.bindingsLater(domain, operatorId, clock.instant()))
                .whenCompleteAsync((bindings, failure) -> {
                    if (failure != null) {
                        boolean unavailable = StoreUnavailableException.in(failure).isPresent();
                        if (!unavailable) {
                            LIMITED.warn("sip-route", "a call could not be routed: " + failure, failure);
                        }
                        refuse(call, unavailable ? Response.SERVICE_UNAVAILABLE : Response.SERVER_INTERNAL_ERROR,
                                "store_unavailable");
                    } else if (bindings == null) {
                        refuse(call, Response.NOT_FOUND, "not_found");
                    } else if (bindings.isEmpty()) {
                        refuse(call, Response.TEMPORARILY_UNAVAILABLE, "unavailable");
                    } else {
                        callOperator(call, bindings.get(0));
                    }
                }, continuations);
    }

    private static String ringingKey(Request request) {
        return ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId() + ";"
                + ((FromHeader) request.getHeader(FromHeader.NAME)).getTag();
    }

    /** Ends a call that never came up, answering the caller {@code status}. */
    private void refuse(Call call, int status, String outcome) {
        if (call.move(Call.State.RINGING, Call.State.ENDED)) {
            finishSetup(call, outcome);
            sip.respond(call.callerInvite, status, call.callerTag, response -> {
                if (status == Response.SERVICE_UNAVAILABLE) {
                    sip.retryAfter(response, 5);
                }
            });
        }
    }

    private void finishSetup(Call call, String outcome) {
        call.stopRinging();
        ringing.remove(ringingKey(call.callerInvite.getRequest()));
        if (!outcome.equals("answered")) {
            freeSlot(call);
        }
        metrics.sipCallSetup(outcome);
    }

    /** The call's place under sip.max-calls is given back, once whatever ends it. */
    private void freeSlot(Call call) {
        if (call.freeSlot()) {
            active.decrementAndGet();
        }
    }

    private void callOperator(Call call, Binding binding) {
        if (call.state() != Call.State.RINGING) {
            return; // the caller gave up while the binding was looked up (it has its 487)
        }
        Request incoming = call.callerInvite.getRequest();
        try {
            SipURI target = (SipURI) sip.addresses.createURI(binding.contact());
            String transport = target.getTransportParam() == null ? "udp" : target.getTransportParam();
            FromHeader callerFrom = (FromHeader) incoming.getHeader(FromHeader.NAME);
            Address fromAddress = (Address) callerFrom.getAddress().clone();
            Address toAddress = sip.addresses.createAddress("sip:" + call.operatorId + "@" + sip.hostPort());
            MaxForwardsHeader hops = (MaxForwardsHeader) incoming.getHeader(MaxForwardsHeader.NAME);
            ViaHeader via = sip.headers.createViaHeader(sip.host(), sip.port(), transport, null);
            Request invite = sip.messages.createRequest(target, Request.INVITE, sip.provider.getNewCallId(),
                    sip.headers.createCSeqHeader(1L, Request.INVITE),
                    sip.headers.createFromHeader(fromAddress, SipMessages.randomHex()),
                    sip.headers.createToHeader(toAddress, null), List.of(via),
                    sip.headers.createMaxForwardsHeader(hops == null ? 70 : hops.getMaxForwards() - 1));
            invite.addHeader(sip.contact());
            Optional<Sdp> offer = Sdp.parse(incoming.getRawContent());
            offer.ifPresent(sdp -> sip.setSdp(invite, sdp));
            ClientTransaction transaction = sip.provider.getNewClientTransaction(invite);
            transaction.setApplicationData(new SipMessages.Answers() {
                @Override
                public void answered(Response response, ClientTransaction answered) {
                    operatorAnswered(call, offer.orElse(null), response, answered);
                }

                @Override
                public void timedOut() {
                    refuse(call, Response.TEMPORARILY_UNAVAILABLE, "unavailable");
                }
            });
            call.operatorInvite = transaction;
            call.ringTimer = timers.schedule(() -> ringTimeout(call), config.ringTimeoutMillis(), TimeUnit.MILLISECONDS);
            transaction.sendRequest();
            if (call.isOver()) {
                cancelOperator(call); // a CANCEL came in while this INVITE was being sent
            }
        } catch (ParseException | SipException | javax.sip.InvalidArgumentException | ClassCastException e) {
            LIMITED.warn("sip-binding", "the binding " + binding.contact() + " cannot be called: " + e, null);
            refuse(call, Response.TEMPORARILY_UNAVAILABLE, "unavailable");
        }
    }

    private void ringTimeout(Call call) {
        if (call.move(Call.State.RINGING, Call.State.ENDED)) {
            cancelOperator(call);
            finishSetup(call, "ring_timeout");
            sip.respond(call.callerInvite, Response.TEMPORARILY_UNAVAILABLE, call.callerTag, response -> { });
        }
    }

    private void cancelOperator(Call call) {
        ClientTransaction invite = call.operatorInvite;
        if (invite == null) {
            return;
        }
        try {
            ClientTransaction cancel = sip.provider.getNewClientTransaction(invite.createCancel());
            cancel.setApplicationData(SipMessages.Answers.IGNORED);
            cancel.sendRequest();
        } catch (SipException | RuntimeException e) {
            LOG.debug("the operator's INVITE could not be cancelled: {}", e.toString());
        }
    }

    /** A CANCEL of a caller's INVITE: its operator leg cancelled, the INVITE answered 487. */
    void cancel(ServerTransaction cancelTransaction) {
        Call call = ringing.get(ringingKey(cancelTransaction.getRequest()));
        if (call == null) {
            sip.respond(cancelTransaction, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
            return;
        }
        sip.respond(cancelTransaction, Response.OK);
        if (call.move(Call.State.RINGING, Call.State.ENDED)) {
            cancelOperator(call);
            finishSetup(call, "cancelled");
            sip.respond(call.callerInvite, Response.REQUEST_TERMINATED, call.callerTag, response -> { });
        } else if (call.move(Call.State.ANSWERING, Call.State.ENDED)) {
            call.cancelled = true; // the phone answered and is being recorded: that finishes it (487, its leg hung up)
        }
    }

    private void operatorAnswered(Call call, Sdp callerOffer, Response response, ClientTransaction transaction) {
        int status = response.getStatusCode();
        if (status == Response.TRYING) {
            return;
        }
        if (status < 200) {
            if (call.state() == Call.State.RINGING) {
                relayProvisional(call, response);
            }
            return;
        }
        if (status >= 300) {
            if (call.state() == Call.State.RINGING) {
                refuse(call, status, "refused");
            }
            return;
        }
        Dialog operatorDialog = transaction.getDialog();
        Optional<Sdp> answer = Sdp.parse(response.getRawContent());
        if (!call.move(Call.State.RINGING, Call.State.ANSWERING)) {
            // answered after the caller gave up or the ring timed out: the phone's dialog is hung up at once
            sip.ack(operatorDialog, response, answer.isPresent() && callerOffer == null ? answer.get() : null);
            sip.bye(operatorDialog);
            return;
        }
        call.stopRinging();
        call.operatorLeg.dialog(operatorDialog);
        if (callerOffer != null) {
            sip.ack(operatorDialog, response, null);
            call.operatorLeg.sent(callerOffer);
        } else {
            call.awaitingCallerAck.set(response); // a late offer: the caller's ACK carries the answer
        }
        String id = SipMessages.randomHex();
        Conversation conversation = Conversation.of(call.domain, id, List.of(call.operatorId), Optional.empty(),
                Optional.of(call.caller), 0);
        store.putLater(conversation).whenCompleteAsync((put, failure) -> {
            if (failure != null) {
                boolean unavailable = StoreUnavailableException.in(failure).isPresent();
                if (!unavailable) {
                    LIMITED.warn("sip-record", "a call could not be recorded: " + failure, failure);
                }
                call.end();
                finishSetup(call, "store_unavailable");
                if (call.awaitingCallerAck.getAndSet(null) != null) {
                    sip.ack(operatorDialog, response, answer.orElse(null));
                }
                sip.bye(operatorDialog);
                sip.respond(call.callerInvite, unavailable ? Response.SERVICE_UNAVAILABLE : Response.SERVER_INTERNAL_ERROR,
                        call.callerTag, refusal -> sip.retryAfter(refusal, 5));
                return;
            }
            call.key = conversation.key();
            byConversation.put(call.key, call);
            call.callerLeg.dialog(call.callerInvite.getDialog());
            answer.ifPresent(call.callerLeg::sent);
            if (!call.move(Call.State.ANSWERING, Call.State.UP)) {
                // the caller cancelled, or the phone hung up, while the conversation was being recorded
                finishSetup(call, call.cancelled ? "cancelled" : "refused");
                sip.bye(operatorDialog);
                if (byConversation.remove(call.key, call)) {
                    recordEnd(call, "sip_bye", System.nanoTime());
                }
                sip.respond(call.callerInvite, call.cancelled ? Response.REQUEST_TERMINATED
                        : Response.TEMPORARILY_UNAVAILABLE, call.callerTag, refusal -> { });
                return;
            }
            finishSetup(call, "answered");
            auditLine(call, "sip_invite", put.stored().version(), put.seq(), call.operatorId, "created", 200,
                    call.startNanos);
            // a caller that never ACKs does not hold changes up for ever (its dialog times out and ends the call)
            timers.schedule(() -> call.callerAcked.complete(null), config.reinviteTimeoutMillis(), TimeUnit.MILLISECONDS);
            sip.respond(call.callerInvite, Response.OK, call.callerTag, ok -> {
                ok.setHeader(sip.contact());
                answer.ifPresent(sdp -> sip.setSdp(ok, sdp));
            });
        }, continuations);
    }

    private void relayProvisional(Call call, Response response) {
        sip.respond(call.callerInvite, response.getStatusCode(), call.callerTag, relayed -> {
            Sdp.parse(response.getRawContent()).ifPresent(sdp -> sip.setSdp(relayed, sdp));
            if (response.getStatusCode() != Response.TRYING) {
                relayed.setHeader(sip.contact());
            }
        });
    }

    // ---- within a call ----

    /** An ACK in a call's dialog: for a late offer, the caller's answer goes on to the operator's phone. */
    void ack(Leg leg, Request ack) {
        Call call = callOf(leg);
        if (call == null || leg != call.callerLeg) {
            return; // a phone's ACK of the server's own 2xx: nothing to relay
        }
        Response awaiting = call.awaitingCallerAck.getAndSet(null);
        if (awaiting != null) {
            Optional<Sdp> answer = Sdp.parse(ack.getRawContent());
            sip.ack(call.operatorLeg.dialog(), awaiting, answer.orElse(null));
            answer.ifPresent(call.operatorLeg::sent);
        }
        call.callerAcked.complete(null);
    }

    /** A BYE from one leg: answered, sent on to the other, the conversation ended. */
    void bye(Leg leg, ServerTransaction transaction) {
        sip.respond(transaction, Response.OK);
        end(leg.call(), leg, "sip_bye");
    }

    /**
     * A leg's dialog is gone without a BYE (no ACK came, or it timed out, or a request in it was
     * answered 481): the call ends as if that leg had hung up.
     */
    void dialogGone(Leg leg) {
        end(leg.call(), leg, "sip_dialog_lost");
    }

    /**
     * Ends a call once: the other leg hung up ({@code from} is the leg that ended it; null: both
     * legs), its place freed, and once the conversation was recorded, its end recorded.
     */
    private void end(Call call, Leg from, String cause) {
        if (!call.end()) {
            return;
        }
        call.stopRinging();
        call.callerAcked.complete(null); // a change waiting for the ACK goes on, and finds the call over
        if (from == null || from == call.operatorLeg) {
            sip.bye(call.callerLeg.dialog());
        }
        if (from == null || from == call.callerLeg) {
            sip.bye(call.operatorLeg.dialog());
        }
        ConversationKey key = call.key;
        if (key != null && byConversation.remove(key, call)) {
            freeSlot(call);
            recordEnd(call, cause, System.nanoTime());
        }
    }

    /** Records a call's end; while the store cannot be reached it tries again, so the end is never lost. */
    private void recordEnd(Call call, String cause, long start) {
        store.removeLater(call.key).whenCompleteAsync((removed, failure) -> {
            if (failure != null) {
                if (StoreUnavailableException.in(failure).isPresent()) {
                    timers.schedule(() -> recordEnd(call, cause, start), END_RETRY_MILLIS, TimeUnit.MILLISECONDS);
                } else {
                    LIMITED.warn("sip-end", "the end of call " + call.key.conversationId() + " could not be recorded: "
                            + failure, failure);
                }
                return;
            }
            removed.ifPresent(end -> auditLine(call, cause, end.version(), end.seq(), null, "ended", 200, start));
        }, continuations);
    }

    /** The switch feed ends a call this server carries: both legs hung up (the feed then ends the conversation). */
    @Override
    public void hangUp(ConversationKey key) {
        Call call = byConversation.remove(key);
        if (call != null && call.end()) {
            freeSlot(call);
            sip.bye(call.callerLeg.dialog());
            sip.bye(call.operatorLeg.dialog());
        }
    }

    /** A request in a call's dialog the server does not interpret: sent on to the other leg, its answer back. */
    void relay(Leg leg, ServerTransaction transaction) {
        Call call = callOf(leg);
        Request request = transaction.getRequest();
        Dialog other = call == null ? null : call.other(leg).dialog();
        if (other == null) {
            sip.respond(transaction, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
            return;
        }
        if (request.getMethod().equals(Request.UPDATE) && Sdp.parse(request.getRawContent()).isPresent()) {
            // a media change outside a re-INVITE would bypass the hold's bookkeeping: only re-INVITEs change media here
            sip.respond(transaction, Response.NOT_ACCEPTABLE_HERE);
            return;
        }
        try {
            Request relayed = other.createRequest(request.getMethod());
            MaxForwardsHeader hops = (MaxForwardsHeader) request.getHeader(MaxForwardsHeader.NAME);
            if (hops != null) {
                relayed.setHeader(sip.headers.createMaxForwardsHeader(Math.max(0, hops.getMaxForwards() - 1)));
            }
            ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
            if (request.getRawContent() != null && type != null) {
                relayed.setContent(request.getRawContent(), (ContentTypeHeader) type.clone());
            }
            boolean sent = sip.sendInDialog(other, relayed, new SipMessages.Answers() {
                @Override
                public void answered(Response response, ClientTransaction answered) {
                    if (response.getStatusCode() >= 200) {
                        sip.respond(transaction, response.getStatusCode(), null, back -> copyBody(response, back));
                    }
                }

                @Override
                public void timedOut() {
                    sip.respond(transaction, Response.REQUEST_TIMEOUT);
                }
            });
            if (!sent) {
                sip.respond(transaction, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
            }
        } catch (SipException | ParseException | javax.sip.InvalidArgumentException | RuntimeException e) {
            LOG.debug("a {} could not be relayed: {}", request.getMethod(), e.toString());
            sip.respond(transaction, Response.SERVER_INTERNAL_ERROR);
        }
    }

    private static void copyBody(Response from, Response to) {
        ContentTypeHeader type = (ContentTypeHeader) from.getHeader(ContentTypeHeader.NAME);
        if (from.getRawContent() != null && type != null) {
            try {
                to.setContent(from.getRawContent(), (ContentTypeHeader) type.clone());
            } catch (ParseException e) {
                LOG.debug("a body could not be relayed: {}", e.toString());
            }
        }
    }

    /**
     * A re-INVITE from a phone: relayed to the other leg (its version made that leg's) and the
     * answer back. The operator's phone holding or resuming changes the conversation, recorded
     * only when both legs accepted; anything else changes no state. While the call's media is
     * changing the re-INVITE is answered 491.
     */
    void reinvite(Leg leg, ServerTransaction transaction) {
        Call call = callOf(leg);
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
                            dialogGone(other);
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
                    auditLine(call, holds ? "call_hold" : "call_unhold", applied.after().version(), applied.seq(),
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

    // ---- commands (call_hold, call_unhold) ----

    @Override
    public Optional<CarriedCall> call(ConversationKey key) {
        Call call = byConversation.get(key);
        return call == null ? Optional.empty() : Optional.of((transition, record) -> change(call, transition, record));
    }

    private CompletionStage<TransitionResult> change(Call call, Transition transition,
                                                     Function<Transition, CompletionStage<TransitionResult>> record) {
        CompletableFuture<TransitionResult> outcome = new CompletableFuture<>();
        call.lock.acquire().thenRun(() -> {
            CompletionStage<Void> done;
            try {
                done = changeLocked(call, transition, record, outcome);
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
    private CompletionStage<Void> changeLocked(Call call, Transition transition,
                                               Function<Transition, CompletionStage<TransitionResult>> record,
                                               CompletableFuture<TransitionResult> outcome) {
        ConversationKey key = call.key;
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
                        dialogGone(leg); // the leg's dialog is gone (RFC 3261 s12.2.1.2): so is the call
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

    /** The call of a leg, while it is carried (null once it ended). */
    private static Call callOf(Leg leg) {
        Call call = leg.call();
        return call.isOver() ? null : call;
    }

    private void auditLine(Call call, String cmd, long version, long seq, String operator, String outcome, int status,
                           long start) {
        String callId = ((CallIdHeader) call.callerInvite.getRequest().getHeader(CallIdHeader.NAME)).getCallId();
        audit.record(new AuditEntry("sip", call.domain, cmd, call.key.conversationId(), version, seq, operator, outcome,
                status, (System.nanoTime() - start) / 1_000, callId, null));
    }

    /**
     * The server stops: every call is hung up (a BYE on each leg) and its end recorded, so no
     * conversation stays behind that nobody carries. Answers when the store has recorded them.
     */
    CompletableFuture<Void> hangUpAll() {
        List<CompletableFuture<?>> ends = new java.util.ArrayList<>();
        for (Call call : List.copyOf(byConversation.values())) {
            if (call.end()) {
                freeSlot(call);
                byConversation.remove(call.key, call);
                sip.bye(call.callerLeg.dialog());
                sip.bye(call.operatorLeg.dialog());
                ends.add(store.removeLater(call.key).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new));
    }
}
