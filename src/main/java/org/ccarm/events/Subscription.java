package org.ccarm.events;

import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.ccarm.callcontrol.Conversation;

/**
 * One subscriber's stream of events: first its catch-up (the snapshot, or the retained
 * events after {@code since}), then live events, each exactly once and in seq order.
 *
 * <p>The catch-up reads the store's log itself, as fast as the client takes what it
 * writes (a small window at a time, so a snapshot of any size takes little memory),
 * from where the snapshot ended (or from {@code since}) until nothing is left to read,
 * then goes live. Events the hub offers meanwhile are not kept, only the highest seq
 * among them: the catch-up goes live only if it has read at least that far, else it
 * reads again. So the catch-up needs no buffer, never holds up the hub, and however long
 * a snapshot takes, no live event is lost or counted against the queue.
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
    static final long CATCH_UP_PATIENCE_SECONDS = 10;
    private static final int REPLAY_PAGE = 512;

    private enum State { CATCHING_UP, LIVE, ENDED }

    private final String domain;
    private final SubscriptionRequest request;
    private final EventSink sink;
    private final int queueLimit;
    private final Consumer<String> endings;
    private final Semaphore window = new Semaphore(CATCH_UP_WINDOW);
    private final AtomicInteger inFlight = new AtomicInteger(); // counted without the lock: a sink may call back holding its own
    private State state = State.CATCHING_UP; // guarded by this, like the fields below
    private long lastSent;
    private long highestOffered; // while catching up: the newest event the hub offered
    private Runnable onEnd = () -> { };

    Subscription(String domain, SubscriptionRequest request, EventSink sink, int queueLimit, Consumer<String> endings) {
        this.domain = domain;
        this.request = request;
        this.sink = sink;
        this.queueLimit = queueLimit;
        this.endings = endings;
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

    /** A live event of the domain, in seq order (whoever holds the hub's delivering lock). */
    synchronized void deliver(ConversationEvent event) {
        if (state == State.CATCHING_UP) {
            highestOffered = Math.max(highestOffered, event.seq()); // the catch-up reads it from the log
            return;
        }
        Optional<ConversationEvent> seen = event.viewFor(request.watched());
        if (state != State.LIVE || event.seq() <= lastSent || seen.isEmpty()) {
            return;
        }
        if (inFlight.get() >= queueLimit) {
            end("resume with since=" + lastSent + ": " + queueLimit + " events were left unread", "slow");
            return;
        }
        inFlight.incrementAndGet();
        lastSent = event.seq();
        sink.write(seen.get(), inFlight::decrementAndGet);
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
            // the store's own words stay in the server's log; the client learns only what to do
            end("the domain's events could not be read now; subscribe again shortly", "unavailable");
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
            Optional<List<ConversationEvent>> read = log.after(domain, epoch, at, REPLAY_PAGE);
            if (read.isEmpty()) {
                end("resume with since=" + at + ": the catch-up was read slower than the domain changed", "behind");
                return;
            }
            if (read.get().isEmpty()) {
                synchronized (this) {
                    if (state != State.CATCHING_UP) {
                        return;
                    }
                    if (highestOffered <= at) {
                        // everything offered so far has been read here; whatever comes next is delivered live
                        state = State.LIVE;
                        lastSent = at;
                        return;
                    }
                }
                continue; // recorded since the read, and offered: read again
            }
            for (ConversationEvent event : read.get()) {
                Optional<ConversationEvent> seen = event.viewFor(request.watched());
                if (seen.isPresent()) {
                    write(seen.get());
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

    /** A catch-up event, once the client has taken enough of the ones before; never after the subscription ended. */
    private void write(ConversationEvent event) {
        try {
            if (!window.tryAcquire(CATCH_UP_PATIENCE_SECONDS, TimeUnit.SECONDS)) {
                end("the catch-up was not read for " + CATCH_UP_PATIENCE_SECONDS + " s", "slow");
                throw new CatchUpEnded();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end("the server is stopping", "unavailable");
            throw new CatchUpEnded();
        }
        synchronized (this) {
            if (state == State.ENDED) {
                window.release();
                throw new CatchUpEnded();
            }
            sink.write(event, window::release); // under the lock: nothing of this subscription follows its end
        }
    }

    /** The hub lost its place in the domain's stream: every subscription of it ends this way. */
    void endBehind(String why) {
        end(why + "; resume with since", "behind");
    }

    /** Ends the subscription and tells its transport why (the server's decision); {@code kind} goes to the metrics. */
    synchronized void end(String detail, String kind) {
        if (cancel()) {
            endings.accept(kind);
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
