package org.ccarm.events;

import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>The catch-up runs in short {@linkplain #step steps} on {@link CatchUps}' few threads,
 * a batch of the snapshot or a page of the replay each, and never waits in one: when the
 * client has not taken enough of what was written, the step ends and the next one starts
 * when it has. So a client that does not read holds no thread, a large domain's snapshot
 * takes turns with a small one's, and a replaced or cancelled subscription's catch-up
 * stops at its next step. (A catch-up once held a thread while it waited for its client,
 * and scanned on until its next write: an operator with nothing to write never wrote.)
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

    /** What a catch-up step left: another step now, a step once the client has read, or nothing. */
    enum Step { AGAIN, WAIT_FOR_CLIENT, DONE }

    private final String domain;
    private final SubscriptionRequest request;
    private final EventSink sink;
    private final int queueLimit;
    private final Consumer<String> endings;
    private final AtomicInteger window = new AtomicInteger(CATCH_UP_WINDOW);
    private final AtomicBoolean waitingForClient = new AtomicBoolean();
    private final AtomicLong written = new AtomicLong(); // catch-up writes the client took: progress, for the patience
    private final AtomicInteger inFlight = new AtomicInteger(); // counted without the lock: a sink may call back holding its own
    private State state = State.CATCHING_UP; // guarded by this, like the fields below
    private long lastSent;
    private long highestOffered; // while catching up: the newest event the hub offered
    private Runnable onEnd = () -> { };
    private volatile Runnable resume = () -> { };
    // where the catch-up stands: touched by its steps only, one at a time
    private EventLog.Position start;
    private Iterator<List<Conversation>> snapshot; // null once the snapshot is written (or when replaying)
    private boolean reset;
    private List<Conversation> batch = List.of();
    private int nextInBatch;
    private long at; // replaying: the seq of the last event read
    private ConversationEvent pending; // written once the client makes room

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

    /** How the catch-up's next step is scheduled, when it waited for the client or the subscription ended. */
    void onResume(Runnable action) {
        this.resume = action;
    }

    /** A live event of the domain, in seq order (by whoever holds the domain's delivering lock in the hub). */
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

    /**
     * One step of the catch-up: the start (where the stream stands), one batch of the
     * snapshot, or one page of the replay; never a wait. A store that cannot be read ends it.
     */
    Step step(EventLog log, Clock clock) {
        try {
            if (isEnded()) {
                return Step.DONE;
            }
            if (start == null) {
                begin(log);
            }
            if (pending != null) {
                if (!offer(pending)) {
                    return Step.WAIT_FOR_CLIENT;
                }
                pending = null;
            }
            return snapshot != null ? snapshotStep(log, clock) : replayStep(log);
        } catch (RuntimeException e) {
            // the store's own words stay in the server's log; the client learns only what to do
            end("the domain's events could not be read now; subscribe again shortly", "unavailable");
            return Step.DONE;
        }
    }

    /** Where the stream stands now; then a replay from {@code since} if it can be had, else a snapshot. */
    private void begin(EventLog log) {
        start = log.position(domain);
        if (request.since().isPresent() && replayable(log, request.since().getAsLong())) {
            at = request.since().getAsLong();
        } else {
            reset = request.since().isPresent();
            snapshot = log.snapshot(domain);
            at = start.lastSeq();
        }
    }

    /** Whether the events after {@code since} can be replayed: of this epoch, retained, not newer than the stream. */
    private boolean replayable(EventLog log, long since) {
        return request.epoch().orElse(start.epoch()).equals(start.epoch())
                && log.after(domain, start.epoch(), since, 1).isPresent();
    }

    /** One batch of the snapshot (what the subscription covers of it); after the last, its end. */
    private Step snapshotStep(EventLog log, Clock clock) {
        if (nextInBatch >= batch.size()) {
            if (!snapshot.hasNext()) {
                snapshot = null;
                pending = ConversationEvent.snapshotEnd(domain, start.epoch(), start.lastSeq(), clock.instant(), reset);
                return Step.AGAIN;
            }
            batch = snapshot.next();
            nextInBatch = 0;
        }
        while (nextInBatch < batch.size()) {
            Conversation conversation = batch.get(nextInBatch++);
            if (request.watched() == null || conversation.operators().stream().anyMatch(request.watched()::contains)) {
                ConversationEvent entry = ChangeEvents.snapshotOf(conversation, start.epoch(), clock.instant(), reset);
                if (!offer(entry)) {
                    pending = entry;
                    return Step.WAIT_FOR_CLIENT;
                }
            }
        }
        return Step.AGAIN; // one batch per step: other catch-ups take their turns
    }

    /** One page of the events after {@code at}; when there is none left, live, with nothing in between lost. */
    private Step replayStep(EventLog log) {
        Optional<List<ConversationEvent>> read = log.after(domain, start.epoch(), at, REPLAY_PAGE);
        if (read.isEmpty()) {
            end("resume with since=" + at + ": the catch-up was read slower than the domain changed", "behind");
            return Step.DONE;
        }
        if (read.get().isEmpty()) {
            synchronized (this) {
                if (state != State.CATCHING_UP) {
                    return Step.DONE;
                }
                if (highestOffered <= at) {
                    // everything offered so far has been read here; whatever comes next is delivered live
                    state = State.LIVE;
                    lastSent = at;
                    return Step.DONE;
                }
            }
            return Step.AGAIN; // recorded since the read, and offered: read again
        }
        for (ConversationEvent event : read.get()) {
            at = event.seq();
            Optional<ConversationEvent> seen = event.viewFor(request.watched());
            if (seen.isPresent() && !offer(seen.get())) {
                pending = seen.get();
                return Step.WAIT_FOR_CLIENT;
            }
        }
        return Step.AGAIN;
    }

    /** Writes a catch-up event if the client has room for it; false when it must wait. Never after the end. */
    private boolean offer(ConversationEvent event) {
        int room = window.get();
        while (room > 0 && !window.compareAndSet(room, room - 1)) {
            room = window.get();
        }
        if (room <= 0) {
            return false;
        }
        synchronized (this) {
            if (state == State.ENDED) {
                window.incrementAndGet();
                return true; // nothing follows the end; the next step sees it
            }
            sink.write(event, this::taken); // under the lock: nothing of this subscription follows its end
        }
        return true;
    }

    /** The client took a catch-up write: room for one more, and the catch-up goes on if it was waiting for that. */
    private void taken() {
        written.incrementAndGet();
        window.incrementAndGet();
        if (waitingForClient.compareAndSet(true, false)) {
            resume.run();
        }
    }

    /**
     * The catch-up waits for its client; false when the client made room meanwhile (or the
     * subscription ended), and the next step should run now.
     */
    boolean awaitClient() {
        waitingForClient.set(true);
        return !((window.get() > 0 || isEnded()) && waitingForClient.compareAndSet(true, false));
    }

    /** How many catch-up writes the client has taken: unchanged over the patience means it reads nothing. */
    long progress() {
        return written.get();
    }

    /** Ends the catch-up if it still waits for a client that took nothing since {@code progressThen}. */
    void losePatience(long progressThen) {
        if (waitingForClient.get() && written.get() == progressThen) {
            end("the catch-up was not read for " + CATCH_UP_PATIENCE_SECONDS + " s", "slow");
        }
    }

    /** Whether the catch-up is over and events come live (for tests that must know which path an event took). */
    synchronized boolean isLive() {
        return state == State.LIVE;
    }

    /** Whether it has ended (cancelled, or ended by the server). */
    synchronized boolean isEnded() {
        return state == State.ENDED;
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

    /**
     * Ends the subscription quietly (the subscriber's decision, or its connection closed);
     * false when it had ended. A catch-up waiting for its client is woken, to stop at once.
     */
    public boolean cancel() {
        synchronized (this) {
            if (state == State.ENDED) {
                return false;
            }
            state = State.ENDED;
            onEnd.run();
        }
        if (waitingForClient.compareAndSet(true, false)) {
            resume.run();
        }
        return true;
    }
}
