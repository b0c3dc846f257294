package org.ccarm.events;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.ccarm.logging.RateLimitedLog;
import org.slf4j.LoggerFactory;

/**
 * This instance's subscriptions and the delivery of events to them: whoever delivers
 * reads the store's {@link EventLog} after the last event delivered per domain, and
 * hands each event, in seq order, to the subscriptions it concerns. Delivery is sharded
 * by domain: one thread at a time delivers a domain's events (its own lock), so every
 * subscription sees its events in order, and the changes of one domain never wait for
 * the delivery of another's.
 *
 * <p>Who delivers depends on the log. A {@link LocalEventLog} (in memory) is delivered by
 * the threads that make the changes, right after each change: a thread that finds
 * another delivering leaves its event to it (the other looks again before it stops), so
 * delivery keeps pace with the changes and costs the changing requests, not a thread of
 * its own that would fall behind. A shared log (Redis) is tailed by one thread with a
 * blocking read, which is how changes made on other instances arrive. Handing over never
 * waits on a client: a subscription writes without blocking and ends itself when its
 * subscriber falls behind. Catch-ups (snapshots, replays) run in turns on a few threads of their
 * own ({@link CatchUps}).
 */
public final class EventHub implements AutoCloseable {

    // a store that is down fails every read: said once a minute with a count, not every second
    private static final RateLimitedLog TAIL_FAILURES = new RateLimitedLog(LoggerFactory.getLogger(EventHub.class), 1,
            TimeUnit.MINUTES);
    private static final int BATCH = 1024;
    /**
     * How long one read of a shared log waits for news (a domain watched for the first
     * time joins the next read); for a local log, how often the tail looks, in case a
     * change's own delivery was ever left to nobody.
     */
    private static final long TAIL_WAIT_MILLIS = 250;
    /** Events a local log may have ahead of their delivery before the changing threads wait for it. */
    static final long MAX_BACKLOG = 256;
    /** Rounds of delivery one changing thread does at most before it leaves the rest to the next change (or the tail). */
    private static final int MAX_ROUNDS = 16;

    private final EventLog log;
    private final LocalEventLog local; // null for a shared log
    private final int queueLimit;
    private final Clock clock;
    private final Consumer<String> endings;
    private final ConcurrentMap<String, DomainSubscribers> domains = new ConcurrentHashMap<>();
    private final CatchUps catchUps;
    private final Thread tail;
    private final AtomicInteger subscriptions = new AtomicInteger();
    private volatile boolean running = true;
    private long lastStartOverCheck; // the tail thread's own

    /**
     * {@code queueLimit}: the live events a subscriber may leave unread before it is
     * ended; {@code endings} hears why each subscription the server ended was ended
     * ({@code slow}, {@code behind}, {@code unavailable}), for the metrics.
     */
    public EventHub(EventLog log, int queueLimit, Clock clock, Consumer<String> endings) {
        if (queueLimit < 1) {
            throw new IllegalArgumentException("a subscriber's queue holds at least one event");
        }
        this.log = log;
        this.local = log instanceof LocalEventLog localLog ? localLog : null;
        this.queueLimit = queueLimit;
        this.clock = clock;
        this.endings = endings;
        this.catchUps = new CatchUps(log, clock);
        if (local != null) {
            local.onRecorded(this::deliverNews);
        }
        this.tail = daemon("event-tail").newThread(this::tail);
        tail.start();
    }

    /**
     * Subscribes {@code sink} to the domain's events; {@link #start} then catches it up and
     * makes it live. Throws the store's unavailability when where the stream stands cannot
     * be read for a domain watched for the first time.
     */
    public Subscription register(String domain, SubscriptionRequest request, EventSink sink) {
        DomainSubscribers subscribers = domains.computeIfAbsent(domain, d -> new DomainSubscribers(log.position(d)));
        Subscription subscription = new Subscription(domain, request, sink, queueLimit, endings);
        // how it leaves, set before it can be reached: whoever ends it, it is removed and counted
        subscription.onEnd(() -> {
            subscribers.remove(subscription);
            subscriptions.decrementAndGet();
        });
        subscriptions.incrementAndGet();
        subscribers.add(subscription);
        synchronized (this) {
            notifyAll(); // the tail may be waiting for a first domain to watch
        }
        return subscription;
    }

    /** Sends the subscription its catch-up (on another thread), then its live events: once its answer is out. */
    public void start(Subscription subscription) {
        catchUps.start(subscription);
    }

    /** Subscriptions open now on this instance. */
    public int count() {
        return subscriptions.get();
    }

    /**
     * Delivers what a local log has of the domain after the last events delivered, unless
     * another thread is delivering the domain: that one looks again once it is done, and
     * finds this change's event. But when the domain's events not yet delivered pass
     * {@link #MAX_BACKLOG}, this thread waits its turn and delivers too: changes cannot
     * outrun their delivery, or a busy server would fall further and further behind, past
     * what the log retains.
     */
    private void deliverNews(String domain) {
        DomainSubscribers subscribers = domains.get(domain);
        if (subscribers == null) {
            return;
        }
        for (int round = 0; round < MAX_ROUNDS; round++) {
            if (!subscribers.delivering.tryLock()) {
                if (local.backlog(domain, subscribers.position) <= MAX_BACKLOG) {
                    return; // the thread delivering now will see this change's event
                }
                subscribers.delivering.lock();
            }
            try {
                subscribers.acceptAll(log.next(Map.of(domain, subscribers.position), BATCH, 0));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // the change itself is done: its request is not the place for a failure of delivery
                TAIL_FAILURES.warn(e.getClass().getName(), "delivering events failed", e);
                return;
            } finally {
                subscribers.delivering.unlock();
            }
            if (local.backlog(domain, subscribers.position) == 0) {
                return; // else: recorded while this thread delivered, by a thread that left it to this one
            }
        }
    }

    private void tail() {
        while (running) {
            try {
                if (domains.isEmpty()) {
                    synchronized (this) {
                        while (running && domains.isEmpty()) {
                            wait();
                        }
                    }
                } else if (local != null) {
                    synchronized (this) {
                        wait(TAIL_WAIT_MILLIS); // the changing threads deliver; this is the safety net
                    }
                    domains.keySet().forEach(this::deliverNews);
                } else {
                    // the one thread that delivers a shared log: it takes each domain's lock all the same, so the
                    // rule (a domain's delivery under its lock) has no exception
                    List<ConversationEvent> events = log.next(positions(), BATCH, TAIL_WAIT_MILLIS);
                    deliver(events);
                    if (events.isEmpty()) {
                        noticeStreamsStartedOver();
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                TAIL_FAILURES.warn(e.getClass().getName(), "reading the event streams failed; trying again every second "
                        + "(subscribers wait, nothing is lost while the store keeps the events)", e);
                pause();
            }
        }
    }

    /**
     * A shared store that lost its data (a Redis flushed, or restarted without its files)
     * starts a domain's stream over: a new epoch, seqs from 1. A tail reading after its old
     * position would hear nothing until the new seqs passed it; so, when the stream is
     * quiet, at most once a second, the tail compares where each domain's stream stands with
     * where its delivery does, and ends the subscriptions of a stream that started over
     * (they resume with a snapshot, reset). Under each domain's delivering lock.
     */
    private void noticeStreamsStartedOver() {
        long now = System.nanoTime();
        if (now - lastStartOverCheck < TimeUnit.SECONDS.toNanos(1)) {
            return;
        }
        lastStartOverCheck = now;
        domains.forEach((domain, subscribers) -> {
            EventLog.Position stream = log.position(domain);
            subscribers.delivering.lock();
            try {
                if (!stream.epoch().equals(subscribers.epoch) || stream.lastSeq() < subscribers.position) {
                    String was = subscribers.epoch;
                    subscribers.epoch = stream.epoch();
                    subscribers.position = stream.lastSeq();
                    subscribers.endAll("the domain's event stream started over (epoch " + was + " is gone)");
                }
            } finally {
                subscribers.delivering.unlock();
            }
        });
    }

    /** Where each watched domain's delivery stands; only the thread holding the domain's lock moves it. */
    private Map<String, Long> positions() {
        Map<String, Long> positions = new HashMap<>();
        domains.forEach((domain, subscribers) -> positions.put(domain, subscribers.position));
        return positions;
    }

    /** Events of any domains, each domain's under its lock (they come grouped by domain, in seq order within each). */
    private void deliver(List<ConversationEvent> events) {
        int from = 0;
        while (from < events.size()) {
            String domain = events.get(from).domain();
            int to = from;
            while (to < events.size() && events.get(to).domain().equals(domain)) {
                to++;
            }
            DomainSubscribers subscribers = domains.get(domain);
            subscribers.delivering.lock();
            try {
                subscribers.acceptAll(events.subList(from, to));
            } finally {
                subscribers.delivering.unlock();
            }
            from = to;
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
        catchUps.close();
        domains.values().forEach(DomainSubscribers::cancelAll);
    }

    /**
     * One domain's subscriptions, by the operator they watch, how far its stream has been
     * delivered, and the lock of its delivery: the hub's shard.
     */
    private static final class DomainSubscribers {
        final Set<Subscription> wholeDomain = ConcurrentHashMap.newKeySet();
        final ConcurrentMap<String, Set<Subscription>> byOperator = new ConcurrentHashMap<>();
        final ReentrantLock delivering = new ReentrantLock();
        String epoch; // like position, moved only under the delivering lock
        volatile long position;

        DomainSubscribers(EventLog.Position start) {
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
            subscription.request().operators().ifPresent(operators -> operators.forEach(operator ->
                    // an operator nobody watches any more leaves no entry behind
                    byOperator.computeIfPresent(operator, (o, watching) -> {
                        watching.remove(subscription);
                        return watching.isEmpty() ? null : watching;
                    })));
        }

        void acceptAll(List<ConversationEvent> events) {
            for (ConversationEvent event : events) {
                accept(event);
            }
        }

        /** The next event of the stream: to the subscriptions it concerns, or, after a gap, the end of them all. */
        void accept(ConversationEvent event) {
            if (event.epoch().equals(epoch) && event.seq() <= position) {
                return; // delivered already
            }
            if (!event.epoch().equals(epoch) || event.seq() != position + 1) {
                // the stream moved on further than it retains (or started over): nobody here can be sure of a gapless view
                long last = position;
                epoch = event.epoch();
                position = event.seq();
                endAll("this server fell behind the domain's events after " + last);
                return;
            }
            position = event.seq();
            wholeDomain.forEach(subscription -> handOver(subscription, event));
            List<Subscription> reached = new ArrayList<>(2);
            for (String operator : concerned(event)) {
                Set<Subscription> watching = byOperator.get(operator);
                if (watching != null) {
                    for (Subscription subscription : watching) {
                        if (!reached.contains(subscription)) { // one watching two of the operators gets it once
                            reached.add(subscription);
                            handOver(subscription, event);
                        }
                    }
                }
            }
        }

        /** The operators whose subscriptions hear of the event: its own, and those it took out. */
        private static List<String> concerned(ConversationEvent event) {
            if (event.removed().isEmpty()) {
                return event.operators();
            }
            List<String> both = new ArrayList<>(event.operators());
            both.addAll(event.removed());
            return both;
        }

        /** One subscription's failure (its transport's, say) ends it alone; the others still get the event. */
        private static void handOver(Subscription subscription, ConversationEvent event) {
            try {
                subscription.deliver(event);
            } catch (RuntimeException e) {
                subscription.end("the event could not be written; subscribe again", "unavailable");
            }
        }

        void endAll(String why) {
            wholeDomain.forEach(subscription -> subscription.endBehind(why));
            byOperator.values().forEach(watching -> watching.forEach(subscription -> subscription.endBehind(why)));
        }

        void cancelAll() {
            wholeDomain.forEach(Subscription::cancel);
            byOperator.values().forEach(watching -> watching.forEach(Subscription::cancel));
        }
    }

    /** Daemon threads named {@code name-1}, {@code name-2}, ...: the hub's and its catch-ups'. */
    static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
