package org.ccarm.events;

import java.time.Clock;
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
 * <p>The catch-up reads the store's log itself, as fast as the client takes what it
 * writes (a small window at a time, so a snapshot of any size takes little memory),
 * from where the snapshot ended (or from {@code since}) until nothing is left to read;
 * the moment the log has nothing more, under this subscription's lock, it goes live, and
 * from then on the hub hands it each new event. Events the hub hands it before that are
 * not kept: the catch-up reads them from the log. So the catch-up needs no buffer, and
 * however long a snapshot takes, no live event is lost or counted against the queue.
 *
 * <p>Live events written but not yet taken by the client are bounded by
 * {@code queueLimit}: a subscriber that cannot keep up is ended (the transport closes
 * it, and the client resumes with {@code since}); nobody else waits for it. One that
 * reads its catch-up slower than the domain changes falls behind what the log retains
 * and is ended the same way.
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
    private final AtomicInteger inFlight = new AtomicInteger(); // counted without the lock: a sink may call back holding its own
    private State state = State.CATCHING_UP; // guarded by this, like the fields below
    private long lastSent;
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

    /**
     * A live event of the domain, in seq order (the hub's one thread); ignored unless it
     * concerns this subscription, and until the catch-up is done (it reads it from the log).
     */
    synchronized void deliver(ConversationEvent event) {
        if (state != State.LIVE || event.seq() <= lastSent || !event.concerns(request.watched())) {
            return;
        }
        if (inFlight.get() >= queueLimit) {
            end("the subscriber did not read its events (" + queueLimit + " unread); resume with since=" + lastSent);
            return;
        }
        inFlight.incrementAndGet();
        lastSent = event.seq();
        sink.write(event, inFlight::decrementAndGet);
    }

    /** The catch-up, on one of the hub's catch-up threads: snapshot or replay, then live. */
    void catchUp(EventLog log, Clock clock) {
        try {
            EventLog.Position now = log.position(domain);
            long from;
            if (request.since().isPresent() && replayable(log, now, request.since().getAsLong())) {
                from = request.since().getAsLong();
            } else {
                snapshot(log, now, clock, request.since().isPresent());
                from = now.lastSeq();
            }
            replayThenGoLive(log, now.epoch(), from);
        } catch (CatchUpEnded e) {
            // ended while catching up: nothing more to write
        } catch (RuntimeException e) {
            end("the domain's events could not be read now (" + e.getMessage() + "); subscribe again shortly");
        }
    }

    /** Whether the events after {@code since} can be replayed: of this epoch, retained, not newer than the stream. */
    private boolean replayable(EventLog log, EventLog.Position now, long since) {
        return request.epoch().orElse(now.epoch()).equals(now.epoch())
                && log.after(domain, now.epoch(), since, 1).isPresent();
    }

    /** The events after {@code from}, read from the log until it has no more; then live, with nothing in between lost. */
    private void replayThenGoLive(EventLog log, String epoch, long from) {
        long at = from;
        while (true) {
            List<ConversationEvent> page;
            synchronized (this) {
                // under the lock the hub needs to deliver: an event recorded after this read reaches us live
                if (state == State.ENDED) {
                    return;
                }
                Optional<List<ConversationEvent>> read = log.after(domain, epoch, at, REPLAY_PAGE);
                if (read.isEmpty()) {
                    end("the subscriber read its catch-up slower than the domain changed, and the events after " + at
                            + " are no longer retained; resume with since=" + at + " for a snapshot with reset");
                    return;
                }
                page = read.get();
                if (page.isEmpty()) {
                    state = State.LIVE;
                    lastSent = at;
                    return;
                }
            }
            for (ConversationEvent event : page) {
                if (event.concerns(request.watched())) {
                    write(event);
                }
                at = event.seq();
            }
        }
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
        onEnd.run();
        return true;
    }

    /** Thrown inside a catch-up to stop it: the subscription has ended. */
    private static final class CatchUpEnded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CatchUpEnded() {
            super(null, null, false, false);
        }
    }
}
