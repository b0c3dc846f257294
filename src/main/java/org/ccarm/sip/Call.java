package org.ccarm.sip;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sip.ClientTransaction;
import javax.sip.ServerTransaction;
import javax.sip.message.Response;
import org.ccarm.callcontrol.Caller;
import org.ccarm.callcontrol.ConversationKey;

/**
 * One call through the server: the caller's leg and the operator phone's, the INVITEs that
 * set them up, and once the operator answered, the conversation it is. Its media changes one
 * at a time ({@link #lock}).
 */
final class Call {

    /** Where the call is in its life: forward, or straight to ENDED from anywhere. */
    enum State { RINGING, ANSWERING, UP, ENDED }

    final String domain;
    final String operatorId;
    final Caller caller;
    final String callerTag = SipMessages.randomHex(); // the server's tag in the caller's dialog
    final Leg callerLeg = new Leg("caller", this);
    final Leg operatorLeg = new Leg("operator", this);
    final ServerTransaction callerInvite;
    final MediaLock lock = new MediaLock();
    final long startNanos = System.nanoTime();
    private final AtomicReference<State> state = new AtomicReference<>(State.RINGING);
    private final AtomicBoolean slotFreed = new AtomicBoolean(); // its place under sip.max-calls
    /** Completes when the caller ACKed the 200 (a hold's re-INVITE must not come before it, RFC 3261 s14.1). */
    final CompletableFuture<Void> callerAcked = new CompletableFuture<>();
    volatile ClientTransaction operatorInvite;
    volatile ScheduledFuture<?> ringTimer;
    volatile ConversationKey key; // once the conversation is recorded
    volatile boolean cancelled; // the caller gave up (CANCEL) before the phone's answer was recorded
    volatile boolean dialogsKept; // the store keeps its dialogs, for another instance should this one be lost
    /** A late offer: the operator's 2xx, ACKed with the caller's answer. */
    final AtomicReference<Response> awaitingCallerAck = new AtomicReference<>();

    Call(String domain, String operatorId, Caller caller, ServerTransaction callerInvite) {
        this.domain = domain;
        this.operatorId = operatorId;
        this.caller = caller;
        this.callerInvite = callerInvite;
    }

    State state() {
        return state.get();
    }

    /** Moves from {@code from} to {@code to}; false when the call was no longer at {@code from} (someone else moved it). */
    boolean move(State from, State to) {
        return state.compareAndSet(from, to);
    }

    /** Ends the call whatever its state; false when it had ended already. */
    boolean end() {
        return state.getAndSet(State.ENDED) != State.ENDED;
    }

    boolean isOver() {
        return state.get() == State.ENDED;
    }

    /** Gives its place under {@code sip.max-calls} back; true the first time only. */
    boolean freeSlot() {
        return slotFreed.compareAndSet(false, true);
    }

    Leg other(Leg leg) {
        return leg == callerLeg ? operatorLeg : callerLeg;
    }

    void stopRinging() {
        ScheduledFuture<?> timer = ringTimer;
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
