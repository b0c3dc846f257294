package org.ccarm.sip;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * One side of a call through the server: the caller's dialog or the operator's phone's. It
 * remembers the SDP it last received from the server ({@link #sent}): every new offer on
 * the leg is built from it with its {@code o=} version raised by one, as RFC 3264 wants.
 */
final class Leg {

    /** A leg's final answer to a re-INVITE: accepted (2xx, with its SDP), refused, or none in time. */
    record Answer(int status, String reason, Sdp sdp, boolean timedOut) {
        boolean accepted() {
            return status >= 200 && status < 300 && !timedOut;
        }

        /** How a refusal reads in a command's detail. */
        String describe(long timeoutMillis) {
            if (timedOut) {
                return "did not answer within " + timeoutMillis + " ms";
            }
            return status + " " + reason;
        }
    }

    private final String name;
    private final Call call;
    private volatile Dialog dialog;
    private Sdp sent; // guarded by this
    private Sdp beforeHold; // guarded by this; what the leg had before the hold in force, or null

    Leg(String name, Call call) {
        this.name = name;
        this.call = call;
    }

    /** The call this leg is a side of. */
    Call call() {
        return call;
    }

    /** {@code caller} or {@code operator}, as a refusal's detail names it. */
    String name() {
        return name;
    }

    Dialog dialog() {
        return dialog;
    }

    void dialog(Dialog value) {
        this.dialog = value;
        value.setApplicationData(this);
    }

    synchronized Sdp sent() {
        return sent;
    }

    synchronized void sent(Sdp sdp) {
        this.sent = sdp;
    }

    /** {@code body} as the next SDP this leg receives: its version one above the last it had. */
    synchronized Sdp next(Sdp body) {
        return body.withVersion((sent == null ? body.version() : sent.version()) + 1);
    }

    /** A hold was recorded: {@code before} is what the leg had before it, which a release restores. */
    synchronized void heldFrom(Sdp before) {
        if (beforeHold == null) {
            beforeHold = before;
        }
    }

    /** What a release offers: what the leg had before the hold (what it has, when no hold is remembered). */
    synchronized Sdp beforeHold() {
        return beforeHold != null ? beforeHold : sent;
    }

    synchronized void forgetHold() {
        beforeHold = null;
    }

    /**
     * Offers {@code offer} in a re-INVITE; the answer completes when the leg answers finally or
     * after {@code timeoutMillis}. On 2xx the ACK is sent and {@link #sent} becomes the offer.
     * A 2xx that comes after the timeout is ACKed too, and {@code late} is told, so that the
     * leg can be put back.
     */
    CompletableFuture<Answer> reinvite(SipMessages sip, Sdp offer, long timeoutMillis, ScheduledExecutorService timers,
                                       Runnable late) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        AtomicBoolean finalSeen = new AtomicBoolean();
        Dialog current = dialog;
        boolean sentOk = current != null && sip.sendInDialog(current, Request.INVITE, offer, new SipMessages.Answers() {
            @Override
            public void answered(Response response, ClientTransaction transaction) {
                int status = response.getStatusCode();
                if (status < 200 || !finalSeen.compareAndSet(false, true)) {
                    return; // a provisional answer, or a final one again (a retransmitted 2xx; the stack ACKs it)
                }
                if (status < 300) {
                    sip.ack(current, response, null);
                    sent(offer);
                    Sdp sdp = Sdp.parse(response.getRawContent()).orElse(null);
                    if (!answer.complete(new Answer(status, response.getReasonPhrase(), sdp, false))) {
                        late.run(); // accepted after the change was given up: the leg is put back
                    }
                } else {
                    answer.complete(new Answer(status, response.getReasonPhrase(), null, false));
                }
            }

            @Override
            public void timedOut() {
                answer.complete(new Answer(408, "Request Timeout", null, true));
            }
        });
        if (!sentOk) {
            answer.complete(new Answer(481, "Call/Transaction Does Not Exist", null, false));
            return answer;
        }
        timers.schedule(() -> answer.complete(new Answer(408, "Request Timeout", null, true)), timeoutMillis,
                TimeUnit.MILLISECONDS);
        return answer;
    }
}
