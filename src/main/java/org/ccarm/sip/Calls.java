package org.ccarm.sip;

import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
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
import org.ccarm.audit.AuditLog;
import org.ccarm.auth.AuthStore;
import org.ccarm.auth.Binding;
import org.ccarm.callcontrol.Caller;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.command.CarriedCalls;
import org.ccarm.config.SipConfig;
import org.ccarm.logging.RateLimitedLog;
import org.ccarm.metrics.Metrics;
import org.ccarm.store.ConversationStore;
import org.ccarm.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The back-to-back user agent: each call from a caller to an operator's number becomes two
 * dialogs, the caller's and the operator phone's, and the conversation the operator answered.
 * It sets calls up, relays what the two sides say to each other and ends calls; their holds
 * (commands, or the phone's own) are {@link MediaChanges}'. Nothing here waits: the store and
 * the phones answer later, on other threads.
 */
final class Calls implements CarriedCalls {

    private static final Logger LOG = LoggerFactory.getLogger(Calls.class);
    private static final RateLimitedLog LIMITED = new RateLimitedLog(LOG, 1, TimeUnit.MINUTES);
    /** How long a retry waits when the store could not record a call's end. */
    private static final long END_RETRY_MILLIS = 1_000;

    private final SipConfig config;
    private final ConversationStore store;
    private final AuthStore operators;
    private final CallAudit audit;
    private final MediaChanges media;
    private final Metrics metrics;
    private final Clock clock;
    private final Executor continuations;
    private final ScheduledExecutorService timers;
    private final Map<ConversationKey, Call> byConversation = new ConcurrentHashMap<>();
    private final Map<ConversationKey, Call> answering = new ConcurrentHashMap<>(); // answered, being recorded
    private final Map<String, Call> ringing = new ConcurrentHashMap<>(); // by the caller's Call-ID and From tag
    private final AtomicInteger active = new AtomicInteger();
    private final String instance;
    private volatile boolean draining;
    private volatile SipMessages sip;

    Calls(SipConfig config, ConversationStore store, AuthStore operators, AuditLog audit, Metrics metrics, Clock clock,
          Executor continuations, ScheduledExecutorService timers, String instance) {
        this.instance = instance;
        this.config = config;
        this.store = store;
        this.operators = operators;
        this.audit = new CallAudit(audit);
        this.media = new MediaChanges(config, store, this.audit, metrics, clock, continuations, timers, this::dialogGone);
        this.metrics = metrics;
        this.clock = clock;
        this.continuations = continuations;
        this.timers = timers;
    }

    void start(SipMessages messages) {
        this.sip = messages;
        media.start(messages);
    }

    /** This instance's name with its incarnation: the owner its calls record. */
    String instance() {
        return instance;
    }

    /** From now on new INVITEs are answered 503: the instance is stopping and waits for its calls to end. */
    void stopTakingCalls() {
        draining = true;
    }

    /** Calls ringing or up: what a stopping instance waits for. */
    int carried() {
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
        if (draining) { // stopping: new calls go to another instance
            sip.respond(transaction, Response.SERVICE_UNAVAILABLE, null, response -> sip.retryAfter(response, 5));
            metrics.sipCallSetup("busy");
            return;
        }
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
            ContentTypeHeader type = (ContentTypeHeader) incoming.getHeader(ContentTypeHeader.NAME);
            if (incoming.getRawContent() != null && type != null) {
                invite.setContent(incoming.getRawContent(), (ContentTypeHeader) type.clone()); // the caller's body unchanged
            }
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
        } catch (ParseException | SipException | InvalidArgumentException | ClassCastException e) {
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
                Optional.of(call.caller), 0).carriedBy(instance);
        // a command may come as soon as the conversation's event is out, before the put's answer is here: it finds
        // the call, whose media change waits for the caller's ACK (the ACK comes after the 200, after the put)
        answering.put(conversation.key(), call);
        store.putLater(conversation).whenCompleteAsync((put, failure) -> {
            if (failure != null) {
                answering.remove(conversation.key(), call);
                boolean unavailable = StoreUnavailableException.in(failure).isPresent();
                if (!unavailable) {
                    LIMITED.warn("sip-record", "a call could not be recorded: " + failure, failure);
                }
                call.end();
                call.callerAcked.complete(null); // a change waiting for the call goes on, and finds it over
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
            call.callerLeg.dialog(call.callerInvite.getDialog());
            answer.ifPresent(call.callerLeg::sent);
            byConversation.put(call.key, call);
            answering.remove(call.key, call);
            if (!call.move(Call.State.ANSWERING, Call.State.UP)) {
                call.callerAcked.complete(null); // a change waiting for the call goes on, and finds it over
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
            audit.line(call, "sip_invite", put.stored().version(), put.seq(), call.operatorId, "created", 200,
                    call.startNanos);
            // a caller that never ACKs does not hold changes up for ever (its dialog times out and ends the call)
            timers.schedule(() -> call.callerAcked.complete(null), config.reinviteTimeoutMillis(), TimeUnit.MILLISECONDS);
            sip.respond(call.callerInvite, Response.OK, call.callerTag, ok -> {
                ok.setHeader(sip.contact());
                answer.ifPresent(sdp -> sip.setSdp(ok, sdp));
            });
            keepDialogs(call);
        }, continuations);
    }

    /** What another instance needs to hang this call up should this one be lost, kept in the store. */
    private void keepDialogs(Call call) {
        String dialogs;
        try {
            dialogs = DialogState.of(call).json();
        } catch (RuntimeException e) {
            LIMITED.warn("sip-dialogs", "the dialogs of call " + call.key.conversationId() + " cannot be kept: " + e, null);
            return;
        }
        keepDialogs(call, dialogs);
    }

    private void keepDialogs(Call call, String dialogs) {
        store.callOwners().carried(call.domain, call.key.conversationId(), instance, dialogs).whenComplete((ok, failure) -> {
            if (failure == null) {
                call.dialogsKept = true;
            } else if (!call.isOver()) { // tried again while the call is up: until then, were this instance lost,
                // its phones would stay up
                LIMITED.warn("sip-dialogs", "the dialogs of call " + call.key.conversationId() + " were not kept; "
                        + "trying again: " + failure, null);
                timers.schedule(() -> keepDialogs(call, dialogs), END_RETRY_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
    }

    /** The call ended: its dialogs are no longer kept. */
    private void forgetDialogs(Call call) {
        store.callOwners().ended(call.domain, call.key.conversationId(), instance)
                .whenComplete((ok, failure) -> { }); // a leftover is cleaned when this instance is claimed as lost
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
            removed.ifPresent(end -> audit.line(call, cause, end.version(), end.seq(), null, "ended", 200, start));
            forgetDialogs(call);
        }, continuations);
    }

    /** The switch feed ends a call this server carries: both legs hung up (the feed then ends the conversation). */
    @Override
    public boolean hangUp(ConversationKey key) {
        Call call = byConversation.get(key);
        if (call != null && endHere(call)) {
            forgetDialogs(call);
            return true;
        }
        return false;
    }

    // ---- calls of other instances, and this one's after a freeze ----

    /**
     * A lost instance's call, claimed by this one: each leg gets a BYE built from the
     * dialogs the owner kept (the phones stop, the media stops), and the conversation ends
     * ({@code released}, audited {@code owner_lost}); while the store cannot record the end
     * it tries again.
     */
    void hangUpLost(String domain, String conversationId, String dialogs, String owner) {
        long start = System.nanoTime();
        try {
            DialogState state = DialogState.parse(dialogs);
            for (DialogState.Side leg : List.of(state.caller(), state.operator())) {
                try {
                    leg.bye(sip);
                } catch (ParseException | InvalidArgumentException | SipException | RuntimeException e) {
                    LIMITED.warn("sip-lost", "a BYE to call " + conversationId + " of lost instance " + owner
                            + " failed: " + e, null);
                }
            }
        } catch (IllegalArgumentException e) {
            LIMITED.warn("sip-lost", "the dialogs of call " + conversationId + " of lost instance " + owner
                    + " cannot be read: " + e.getMessage(), null);
        }
        recordLost(new ConversationKey(domain, conversationId), owner, start);
    }

    private void recordLost(ConversationKey key, String owner, long start) {
        store.removeLater(key).whenCompleteAsync((removed, failure) -> {
            if (failure != null) {
                if (StoreUnavailableException.in(failure).isPresent()) {
                    timers.schedule(() -> recordLost(key, owner, start), END_RETRY_MILLIS, TimeUnit.MILLISECONDS);
                } else {
                    LIMITED.warn("sip-lost", "the end of call " + key.conversationId() + " could not be recorded: " + failure,
                            failure);
                }
                return;
            }
            removed.ifPresent(end -> audit.lost(key, owner, end.version(), end.seq(), start));
        }, continuations);
    }

    /**
     * After this instance was presumed lost in {@code domain} (a freeze, a store outage longer
     * than its liveness): each of its calls there whose dialogs are no longer kept for it
     * ({@code stillOwned} lacks them: another instance claimed them, sent the BYEs and
     * records the end) is hung up here too. A call whose dialogs were not kept yet (just
     * set up) is left alone.
     */
    void hangUpClaimedElsewhere(String domain, Set<String> stillOwned) {
        for (Call call : List.copyOf(byConversation.values())) {
            if (call.domain.equals(domain) && call.dialogsKept && !stillOwned.contains(call.key.conversationId())
                    && endHere(call)) {
                LOG.warn("call {} was released by another instance while this one was presumed lost: hung up here too",
                        call.key.conversationId());
            }
        }
    }

    /** Ends the call here: no longer carried, its place freed, a BYE on each leg; false when it had ended already. */
    private boolean endHere(Call call) {
        if (!call.end()) {
            return false;
        }
        byConversation.remove(call.key, call);
        freeSlot(call);
        sip.bye(call.callerLeg.dialog());
        sip.bye(call.operatorLeg.dialog());
        return true;
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
        } catch (SipException | ParseException | InvalidArgumentException | RuntimeException e) {
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

    /** A re-INVITE from a phone in a call: see {@link MediaChanges#reinvite}. */
    void reinvite(Leg leg, ServerTransaction transaction) {
        media.reinvite(leg, transaction);
    }

    // ---- commands (call_hold, call_unhold) ----

    @Override
    public Optional<CarriedCall> call(ConversationKey key) {
        Call up = byConversation.get(key);
        Call call = up != null ? up : answering.get(key);
        return call == null ? Optional.empty()
                : Optional.of((transition, record) -> media.change(call, key, transition, record));
    }

    /** The call of a leg, while it is carried (null once it ended). */
    static Call callOf(Leg leg) {
        Call call = leg.call();
        return call.isOver() ? null : call;
    }

    /**
     * The server stops: every call is hung up (a BYE on each leg) and its end recorded, so no
     * conversation stays behind that nobody carries; calls still ringing are refused 503.
     * Answers when the store has recorded the ends.
     */
    CompletableFuture<Void> hangUpAll() {
        for (Call ringingCall : List.copyOf(ringing.values())) { // not answered yet: refused, the phone's leg cancelled
            if (ringingCall.move(Call.State.RINGING, Call.State.ENDED)) {
                cancelOperator(ringingCall);
                finishSetup(ringingCall, "unavailable");
                sip.respond(ringingCall.callerInvite, Response.SERVICE_UNAVAILABLE, ringingCall.callerTag,
                        refusal -> sip.retryAfter(refusal, 5));
            }
        }
        List<CompletableFuture<?>> ends = new ArrayList<>();
        for (Call call : List.copyOf(byConversation.values())) {
            if (call.end()) {
                freeSlot(call);
                byConversation.remove(call.key, call);
                sip.bye(call.callerLeg.dialog());
                sip.bye(call.operatorLeg.dialog());
                ends.add(store.removeLater(call.key).toCompletableFuture()
                        .thenCompose(removed -> store.callOwners().ended(call.domain, call.key.conversationId(), instance)));
            }
        }
        return CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new));
    }
}
