package org.ccarm.events;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's subscriptions and the one thread that feeds them: it tails the store's
 * {@link EventLog} (in memory: the changes of this process; on Redis: the domain's
 * Stream, so changes made on every instance) for each domain someone watches, and hands
 * each event, in seq order, to the subscriptions it concerns. Handing over never blocks:
 * a subscription writes without waiting, and ends itself when its subscriber falls
 * behind. Catch-ups (snapshots, replays) run on a few threads of their own.
 */
public final class EventHub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
    private static final int TAIL_BATCH = 1024;
    /** How long one read of the log waits for news; a domain watched for the first time joins the next read. */
    private static final long TAIL_WAIT_MILLIS = 250;
    private static final int CATCH_UP_THREADS = 4;

    private final EventLog log;
    private final int queueLimit;
    private final Clock clock;
    private final ConcurrentMap<String, Watched> domains = new ConcurrentHashMap<>();
    private final ExecutorService catchUps;
    private final Thread tail;
    private final AtomicInteger subscriptions = new AtomicInteger();
    private volatile boolean running = true;

    /** {@code queueLimit}: the live events a subscriber may leave unread before it is ended. */
    public EventHub(EventLog log, int queueLimit, Clock clock) {
        if (queueLimit < 1) {
            throw new IllegalArgumentException("a subscriber's queue holds at least one event");
        }
        this.log = log;
        this.queueLimit = queueLimit;
        this.clock = clock;
        this.catchUps = Executors.newFixedThreadPool(CATCH_UP_THREADS, daemon("event-catch-up"));
        this.tail = daemon("event-tail").newThread(this::tail);
        tail.start();
    }

    /**
     * Subscribes {@code sink} to the domain's events: from now on live events wait for it;
     * {@link #start} then catches it up. Throws the store's unavailability when where the
     * stream stands cannot be read for a domain watched for the first time.
     */
    public Subscription register(String domain, SubscriptionRequest request, EventSink sink) {
        Watched watched = domains.computeIfAbsent(domain, d -> new Watched(log.position(d)));
        Subscription subscription = new Subscription(domain, request, sink, queueLimit);
        watched.add(subscription);
        subscriptions.incrementAndGet();
        subscription.onEnd(() -> {
            watched.remove(subscription);
            subscriptions.decrementAndGet();
        });
        synchronized (this) {
            notifyAll(); // the tail may be waiting for a first domain to watch
        }
        return subscription;
    }

    /** Sends the subscription its catch-up (on another thread), then its live events: once its answer is out. */
    public void start(Subscription subscription) {
        catchUps.execute(() -> subscription.catchUp(log, clock));
    }

    /** Subscriptions open now on this instance. */
    public int count() {
        return subscriptions.get();
    }

    private void tail() {
        while (running) {
            try {
                Map<String, Long> positions = new HashMap<>();
                domains.forEach((domain, watched) -> positions.put(domain, watched.position));
                if (positions.isEmpty()) {
                    synchronized (this) {
                        while (running && domains.isEmpty()) {
                            wait();
                        }
                    }
                    continue;
                }
                for (ConversationEvent event : log.next(positions, TAIL_BATCH, TAIL_WAIT_MILLIS)) {
                    domains.get(event.domain()).accept(event);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("reading the event streams failed; trying again in a second: {}", e.toString());
                pause();
            }
        }
    }

    private synchronized void pause() {
        try {
            wait(1_000);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        tail.interrupt();
        catchUps.shutdownNow();
        domains.values().forEach(Watched::cancelAll);
    }

    /** One domain's subscriptions, by the operator they watch, and how far its stream has been read. */
    private static final class Watched {
        final Set<Subscription> wholeDomain = ConcurrentHashMap.newKeySet();
        final ConcurrentMap<String, Set<Subscription>> byOperator = new ConcurrentHashMap<>();
        String epoch; // read and written by the tail thread only, once constructed
        volatile long position;

        Watched(EventLog.Position start) {
            this.epoch = start.epoch();
            this.position = start.lastSeq();
        }

        void add(Subscription subscription) {
            if (subscription.request().operators().isEmpty()) {
                wholeDomain.add(subscription);
            } else {
                for (String operator : subscription.request().operators().get()) {
                    byOperator.computeIfAbsent(operator, o -> ConcurrentHashMap.newKeySet()).add(subscription);
                }
            }
        }

        void remove(Subscription subscription) {
            wholeDomain.remove(subscription);
            subscription.request().operators().ifPresent(operators -> operators.forEach(operator -> {
                Set<Subscription> watching = byOperator.get(operator);
                if (watching != null) {
                    watching.remove(subscription);
                }
            }));
        }

        /** The next event of the stream: to the subscriptions it concerns, or, after a gap, the end of them all. */
        void accept(ConversationEvent event) {
            if (event.epoch().equals(epoch) && event.seq() <= position) {
                return; // read twice (a new domain joined the read): delivered already
            }
            if (!event.epoch().equals(epoch) || event.seq() != position + 1) {
                // the stream moved on further than it retains (or started over): nobody here can be sure of a gapless view
                epoch = event.epoch();
                position = event.seq();
                endAll();
                return;
            }
            position = event.seq();
            wholeDomain.forEach(subscription -> subscription.deliver(event));
            List<Subscription> reached = new ArrayList<>(2);
            for (String operator : event.operators()) {
                Set<Subscription> watching = byOperator.get(operator);
                if (watching != null) {
                    for (Subscription subscription : watching) {
                        if (!reached.contains(subscription)) { // one watching two of the operators gets it once
                            reached.add(subscription);
                            subscription.deliver(event);
                        }
                    }
                }
            }
        }

        void cancelAll() {
            wholeDomain.forEach(Subscription::cancel);
            byOperator.values().forEach(watching -> watching.forEach(Subscription::cancel));
        }

        void endAll() {
            wholeDomain.forEach(subscription -> subscription.end("the server lost its place in the domain's events;"
                    + " resume with since"));
            byOperator.values().forEach(watching -> watching.forEach(subscription -> subscription.end(
                    "the server lost its place in the domain's events; resume with since")));
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
