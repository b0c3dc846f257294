package org.ccarm.events;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ccarm.callcontrol.Conversation;

/**
 * One subscriber's stream of events: first its catch-up (the snapshot, or the retained
 * events after {@code since}), then live events, each exactly once and in seq order.
 *
 * <p>Live events arrive from the hub as soon as the subscription is registered, before
 * the catch-up has read where the stream stands; until the catch-up is done they wait in
 * {@code pending}, and afterwards those it already covered are dropped by seq. Both the
 * events waiting and the ones written but not yet taken by the client are bounded by
 * {@code queueLimit}: a subscriber that cannot keep up is ended (the transport closes it)
 * and nobody else waits for it. The catch-up itself is written as fast as the client
 * reads, a small window at a time, so a snapshot of any size takes little memory.
 */
public final class Subscription {

    /** Catch-up writes not yet taken by the client, at most. */
    static final int CATCH_UP_WINDOW = 64;
    /** How long a catch-up waits for the client to read before it gives up on it. */
    static final long CATCH_UP_PATIENCE_SECONDS = 30;
    private static final int REPLAY_PAGE = 512;

    private enum State { CATCHING_UP, LIVE, ENDED }

    private final String domain;
    private final SubscriptionRequest request;
    private final EventSink sink;
    private final int queueLimit;
    private final Semaphore window = new Semaphore(CATCH_UP_WINDOW);
    private final ArrayDeque<ConversationEvent> pending = new ArrayDeque<>(); // guarded by this, like the fields below
    private State state = State.CATCHING_UP;
    private long lastSent;
    private final AtomicInteger inFlight = new AtomicInteger(); // counted without the lock: a sink may call back holding its own
    private Runnable onEnd = () -> { };

    Subscription(String domain, SubscriptionRequest request, EventSink sink, int queueLimit) {
        this.domain = domain;
        this.request = request;
        this.sink = sink;
        this.queueLimit = queueLimit;
    }

    public String domain() {
        return domain;
    }

    public SubscriptionRequest request() {
        return request;
    }

    /** What the hub does when this subscription ends, whoever ends it. */
    synchronized void onEnd(Runnable action) {
        this.onEnd = action;
    }

    /** A live event of the domain, in seq order (the hub's one thread); ignored unless it concerns this subscription. */
    synchronized void deliver(ConversationEvent event) {
        if (state == State.ENDED || !event.concerns(request.watched())) {
            return;
        }
        if (state == State.CATCHING_UP) {
            pending.add(event);
            if (pending.size() > queueLimit) {
                end("more than " + queueLimit + " events waited while the subscription caught up; resume with since");
            }
            return;
        }
        sendLive(event);
    }

    private void sendLive(ConversationEvent event) {
        if (event.seq() <= lastSent) {
            return; // the catch-up covered it
        }
        if (inFlight.get() >= queueLimit) {
            end("the subscriber did not read its events (" + queueLimit + " unread); resume with since=" + lastSent);
            return;
        }
        inFlight.incrementAndGet();
        lastSent = event.seq();
        sink.write(event, this::liveWritten);
    }

    private void liveWritten() {
        inFlight.decrementAndGet();
    }

    /** The catch-up, on one of the hub's catch-up threads: snapshot or replay, then live. */
    void catchUp(EventLog log, Clock clock) {
        try {
            EventLog.Position now = log.position(domain);
            long upTo = now.lastSeq();
            Optional<Long> replayedTo = request.since().isPresent()
                    ? replay(log, request.epoch().orElse(now.epoch()), now, request.since().getAsLong())
                    : Optional.empty();
            if (replayedTo.isEmpty()) {
                snapshot(log, now, clock, request.since().isPresent());
            } else {
                upTo = Math.max(upTo, replayedTo.get());
            }
            goLive(upTo);
        } catch (CatchUpEnded e) {
            // ended while catching up: nothing more to write
        } catch (RuntimeException e) {
            end("the domain's events could not be read now (" + e.getMessage() + "); subscribe again shortly");
        }
    }

    /** The retained events after {@code since} (up to at least where the stream stood); empty when they cannot be replayed. */
    private Optional<Long> replay(EventLog log, String epoch, EventLog.Position now, long since) {
        if (!epoch.equals(now.epoch())) {
            return Optional.empty();
        }
        long at = since;
        while (at < now.lastSeq() || at == since) {
            Optional<List<ConversationEvent>> page = log.after(domain, epoch, at, REPLAY_PAGE);
            if (page.isEmpty()) {
                if (at == since) {
                    return Optional.empty(); // not retained, or newer than the stream: a snapshot with reset
                }
                end("the events after " + at + " were dropped from the stream while they were replayed; resume with since="
                        + at);
                throw new CatchUpEnded();
            }
            if (page.get().isEmpty()) {
                break;
            }
            for (ConversationEvent event : page.get()) {
                if (event.concerns(request.watched())) {
                    write(event);
                }
                at = event.seq();
            }
        }
        return Optional.of(at);
    }

    private void snapshot(EventLog log, EventLog.Position now, Clock clock, boolean reset) {
        Iterator<List<Conversation>> batches = log.snapshot(domain);
        while (batches.hasNext()) {
            for (Conversation conversation : batches.next()) {
                if (request.watched() == null || conversation.operators().stream().anyMatch(request.watched()::contains)) {
                    write(ChangeEvents.snapshotOf(conversation, now.epoch(), clock.instant(), reset));
                }
            }
        }
        write(ConversationEvent.snapshotEnd(domain, now.epoch(), now.lastSeq(), clock.instant(), reset));
    }

    /** A catch-up event, once the client has taken enough of the ones before. */
    private void write(ConversationEvent event) {
        try {
            if (!window.tryAcquire(CATCH_UP_PATIENCE_SECONDS, TimeUnit.SECONDS)) {
                end("the subscriber did not read its catch-up for " + CATCH_UP_PATIENCE_SECONDS + " s");
                throw new CatchUpEnded();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end("the server is stopping");
            throw new CatchUpEnded();
        }
        synchronized (this) {
            if (state == State.ENDED) {
                throw new CatchUpEnded();
            }
        }
        sink.write(event, window::release);
    }

    private synchronized void goLive(long upTo) {
        if (state == State.ENDED) {
            return;
        }
        state = State.LIVE;
        lastSent = Math.max(lastSent, upTo);
        while (!pending.isEmpty() && state == State.LIVE) {
            sendLive(pending.poll());
        }
    }

    /** Ends the subscription and tells its transport why (the server's decision). */
    synchronized void end(String detail) {
        if (cancel()) {
            sink.ended(detail);
        }
    }

    /** Ends the subscription quietly (the subscriber's decision, or its connection closed); false when it had ended. */
    public synchronized boolean cancel() {
        if (state == State.ENDED) {
            return false;
        }
        state = State.ENDED;
        pending.clear();
        onEnd.run();
        return true;
    }

    /** Thrown inside a catch-up to stop it: the subscription has ended. */
    private static final class CatchUpEnded extends RuntimeException {
        CatchUpEnded() {
            super(null, null, false, false);
        }
    }
}
