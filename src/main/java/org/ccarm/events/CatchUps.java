package org.ccarm.events;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the subscriptions' catch-ups (snapshots, replays) in short steps on a few threads
 * of their own, in turns: a step that ends its batch goes to the back of the queue, so the
 * snapshot of a small domain never waits for a large one's, and a step whose client has not
 * read what it was given leaves no thread behind (it goes on when the client reads, and is
 * ended when it has read nothing for {@link Subscription#CATCH_UP_PATIENCE_SECONDS}).
 *
 * <p>A session runs at most {@link #PER_SESSION} catch-ups at a time; more wait their turn
 * (each connection has at most one: a second subscribe replaces, and stops, the first). A
 * hostile pass once pipelined 15,000 subscribes on one websocket and starved everyone's
 * snapshots.
 */
final class CatchUps implements AutoCloseable {

    /** Catch-ups one session runs at a time. */
    static final int PER_SESSION = 4;

    private final EventLog log;
    private final Clock clock;
    private final ExecutorService workers;
    private final ScheduledExecutorService patience;
    private final Map<String, Turns> sessions = new HashMap<>(); // guarded by this

    /** One session's catch-ups: how many run, and those that wait their turn. */
    private static final class Turns {
        int running;
        final ArrayDeque<Subscription> waiting = new ArrayDeque<>();
    }

    CatchUps(EventLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
        // a step may wait for the store (a shared one), never for a client: a few threads serve every catch-up
        this.workers = Executors.newFixedThreadPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
                EventHub.daemon("event-catch-up"));
        this.patience = Executors.newSingleThreadScheduledExecutor(EventHub.daemon("event-catch-up-patience"));
    }

    /** Starts the subscription's catch-up, now or when its session has a turn free. */
    void start(Subscription subscription) {
        String session = subscription.request().session().orElse(null);
        if (session != null) {
            synchronized (this) {
                Turns turns = sessions.computeIfAbsent(session, s -> new Turns());
                if (turns.running >= PER_SESSION) {
                    // those replaced or closed while they waited would only pass the turn on: not kept
                    turns.waiting.removeIf(Subscription::isEnded);
                    turns.waiting.add(subscription);
                    return;
                }
                turns.running++;
            }
        }
        run(subscription);
    }

    private void run(Subscription subscription) {
        subscription.onResume(() -> schedule(subscription));
        schedule(subscription);
    }

    private void schedule(Subscription subscription) {
        try {
            workers.execute(() -> step(subscription));
        } catch (RejectedExecutionException e) {
            subscription.end("the server is stopping", "unavailable");
        }
    }

    private void step(Subscription subscription) {
        switch (subscription.step(log, clock)) {
            case AGAIN -> schedule(subscription);
            case WAIT_FOR_CLIENT -> {
                long progress = subscription.progress();
                if (subscription.awaitClient()) {
                    patience.schedule(() -> subscription.losePatience(progress), Subscription.CATCH_UP_PATIENCE_SECONDS,
                            TimeUnit.SECONDS);
                } else {
                    schedule(subscription);
                }
            }
            case DONE -> finished(subscription);
        }
    }

    /** The catch-up is over (live, or ended): its session's next one, if any waits, takes the turn. */
    private void finished(Subscription subscription) {
        String session = subscription.request().session().orElse(null);
        if (session == null) {
            return;
        }
        Subscription next;
        synchronized (this) {
            Turns turns = sessions.get(session);
            if (turns == null) {
                return;
            }
            turns.running--;
            next = turns.waiting.poll();
            if (next != null) {
                turns.running++;
            } else if (turns.running == 0) {
                sessions.remove(session);
            }
        }
        if (next != null) {
            run(next); // one that ended while it waited finds that at its first step, and hands the turn on
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
        patience.shutdownNow();
    }
}
