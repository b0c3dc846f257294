package org.ccarm.events;

import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Transition;
import org.ccarm.store.InMemoryConversationStore;
import org.ccarm.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hub and its subscriptions on the in-memory store's real event log, with sinks that
 * record what they are given: the catch-up, then live events exactly once and in order,
 * routing by operator, and a subscriber that stops taking its events.
 */
class EventHubTest {

    private final InMemoryConversationStore store = new InMemoryConversationStore();
    private final List<String> endings = new CopyOnWriteArrayList<>();
    private final EventHub hub = new EventHub(store.events(), 8, Clock.systemUTC(), endings::add);

    @AfterEach
    void close() {
        hub.close();
    }

    /** Records every event; completes each write at once unless told to stop taking live ones. */
    static class RecordingSink implements EventSink {
        final List<ConversationEvent> events = new CopyOnWriteArrayList<>();
        volatile boolean takesLive = true;
        volatile boolean takesCatchUp = true;
        final List<Runnable> untaken = new CopyOnWriteArrayList<>();
        volatile String ended;

        @Override
        public void write(ConversationEvent event, Runnable written) {
            events.add(event);
            boolean live = event.type() == ConversationEvent.Type.CONVERSATION;
            if (live ? takesLive : takesCatchUp) {
                written.run();
            } else {
                untaken.add(written);
            }
        }

        /** The client reads what it was given, and from now on everything at once. */
        void startReading() {
            takesCatchUp = true;
            takesLive = true;
            List<Runnable> now = List.copyOf(untaken);
            untaken.clear();
            now.forEach(Runnable::run);
        }

        @Override
        public void ended(String detail) {
            ended = detail;
        }

        List<Long> liveSeqs() {
            return events.stream().filter(e -> e.type() == ConversationEvent.Type.CONVERSATION).map(ConversationEvent::seq)
                    .toList();
        }
    }

    private void toggle(String id, int times) {
        for (int i = 0; i < times; i++) {
            store.apply(new ConversationKey("demo", id), i % 2 == 0
                    ? new Transition.PlaceHold(Optional.empty(), Instant.now()) : new Transition.ReleaseHold(Optional.empty()));
        }
    }

    private Subscription subscribe(RecordingSink sink, Optional<Set<String>> operators, OptionalLong since) {
        return subscribe("demo", sink, Optional.empty(), operators, since);
    }

    private Subscription subscribe(String domain, RecordingSink sink, Optional<String> session,
                                   Optional<Set<String>> operators, OptionalLong since) {
        Subscription subscription = hub.register(domain,
                new SubscriptionRequest(operators, since, Optional.empty(), session), sink);
        hub.start(subscription);
        return subscription;
    }

    private static boolean snapshotEnded(RecordingSink sink) {
        return sink.events.stream().anyMatch(e -> e.type() == ConversationEvent.Type.SNAPSHOT_END);
    }

    @Test
    void aSnapshotThenEveryLaterChangeOnceAndInOrderEvenWhileTheSnapshotIsWritten() {
        store.put(heldBy("1001", "demo", "a", "1001"));
        store.put(free("demo", "b", "1001", "1002"));
        store.put(free("demo", "c", "1003"));
        RecordingSink sink = new RecordingSink();
        subscribe(sink, Optional.of(Set.of("1001")), OptionalLong.empty());
        toggle("b", 50); // changes racing with the catch-up
        long last = store.events().position("demo").lastSeq();
        Await.until(() -> sink.events.stream().anyMatch(e -> e.seq() == last && e.type() == ConversationEvent.Type.CONVERSATION)
                || sink.events.stream().anyMatch(e -> e.type() == ConversationEvent.Type.SNAPSHOT_END && e.seq() == last),
                "caught up to " + last);
        List<ConversationEvent> snapshot = sink.events.stream().filter(e -> e.type() == ConversationEvent.Type.SNAPSHOT).toList();
        assertEquals(Set.of("a", "b"), Set.copyOf(snapshot.stream().map(ConversationEvent::conversationId).toList()));
        long end = sink.events.stream().filter(e -> e.type() == ConversationEvent.Type.SNAPSHOT_END).findFirst()
                .orElseThrow().seq();
        assertEquals(LongStream.rangeClosed(end + 1, last).boxed().toList(), sink.liveSeqs(), "after the snapshot: each once");
    }

    /**
     * Delivery is sharded by domain: while one domain's delivery is held up (here a sink
     * that takes its time inside a write, which a real one never does), another domain's
     * changes still reach their subscribers. With one lock for every domain, the second
     * change was left to the thread holding it, and arrived only after the first was done.
     */
    @Test
    void oneDomainsDeliveryDoesNotWaitForAnothers() throws Exception {
        store.put(free("slow", "s", "1001"));
        store.put(free("quick", "q", "1001"));
        CountDownLatch inWrite = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RecordingSink slow = new RecordingSink() {
            @Override
            public void write(ConversationEvent event, Runnable written) {
                if (event.type() == ConversationEvent.Type.CONVERSATION) {
                    inWrite.countDown();
                    awaitQuietly(release);
                }
                super.write(event, written);
            }
        };
        RecordingSink quick = new RecordingSink();
        Subscription slowOne = subscribe("slow", slow, Optional.empty(), Optional.empty(),
                OptionalLong.of(store.events().position("slow").lastSeq()));
        Subscription quickOne = subscribe("quick", quick, Optional.empty(), Optional.empty(),
                OptionalLong.of(store.events().position("quick").lastSeq()));
        Await.until(() -> slowOne.isLive() && quickOne.isLive(), "both live: their events come from delivery");
        Thread changer = new Thread(() -> store.apply(new ConversationKey("slow", "s"),
                new Transition.PlaceHold(Optional.empty(), Instant.now())));
        changer.start();
        try {
            assertTrue(inWrite.await(10, TimeUnit.SECONDS), "the slow domain's delivery began");
            store.apply(new ConversationKey("quick", "q"), new Transition.PlaceHold(Optional.empty(), Instant.now()));
            Await.until(() -> !quick.liveSeqs().isEmpty(), "the quick domain's event, while the slow one's is held up");
        } finally {
            release.countDown();
            changer.join();
        }
        Await.until(() -> !slow.liveSeqs().isEmpty(), "the slow domain's event, once let go");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aReplayFromSinceThenLive() {
        store.put(free("demo", "a", "1001"));
        long since = store.events().position("demo").lastSeq();
        toggle("a", 5);
        RecordingSink sink = new RecordingSink();
        subscribe(sink, Optional.empty(), OptionalLong.of(since));
        toggle("a", 1);
        long last = store.events().position("demo").lastSeq();
        Await.until(() -> sink.liveSeqs().contains(last), "live");
        assertEquals(LongStream.rangeClosed(since + 1, last).boxed().toList(), sink.liveSeqs());
        assertTrue(sink.events.stream().noneMatch(e -> e.type() != ConversationEvent.Type.CONVERSATION), "no snapshot");
    }

    @Test
    void aSubscriberThatStopsTakingEventsIsEndedAtItsQueueAndTheOthersGoOn() {
        store.put(free("demo", "a", "1001"));
        long since = store.events().position("demo").lastSeq();
        RecordingSink stuck = new RecordingSink();
        RecordingSink healthy = new RecordingSink();
        stuck.takesLive = false;
        Subscription stuckOne = subscribe(stuck, Optional.empty(), OptionalLong.of(since));
        Subscription healthyOne = subscribe(healthy, Optional.of(Set.of("1001")), OptionalLong.of(since));
        Await.until(() -> stuckOne.isLive() && healthyOne.isLive(), "both live: what follows is no catch-up");
        toggle("a", 1);
        Await.until(() -> stuck.liveSeqs().size() == 1 && healthy.liveSeqs().size() == 1, "both heard it");
        toggle("a", 20);
        long last = store.events().position("demo").lastSeq();
        Await.until(() -> healthy.liveSeqs().contains(last), "the healthy one has everything");
        Await.until(() -> stuck.ended != null, "the stuck one is ended");
        List<Long> given = stuck.liveSeqs();
        assertEquals(8, given.size(), "its queue's worth of live events, unread: " + given);
        assertTrue(stuck.ended.contains("resume with since=" + given.get(given.size() - 1)), stuck.ended);
        assertNull(healthy.ended);
        assertEquals(List.of("slow"), endings, "counted for the metrics");
        assertEquals(LongStream.rangeClosed(since + 1, last).boxed().toList(), healthy.liveSeqs());
        assertEquals(1, hub.count());
    }

    @Test
    void anEventReachesOnlyTheSubscriptionsOfItsOperatorsAndEachOnce() {
        store.put(free("demo", "a", "1001", "1002"));
        long since = store.events().position("demo").lastSeq();
        RecordingSink both = new RecordingSink();
        RecordingSink other = new RecordingSink();
        subscribe(both, Optional.of(Set.of("1001", "1002")), OptionalLong.of(since));
        subscribe(other, Optional.of(Set.of("1003")), OptionalLong.of(since));
        store.put(heldBy("1002", "demo", "a", "1001", "1002"));
        store.put(free("demo", "z", "1003"));
        long last = store.events().position("demo").lastSeq();
        Await.until(() -> other.liveSeqs().contains(last) && !both.liveSeqs().isEmpty(), "both hear");
        assertEquals(List.of(since + 1), both.liveSeqs(), "once, though it watches both operators");
        assertEquals(List.of(last), other.liveSeqs());
    }

    @Test
    void aSessionRunsFourCatchUpsAtATimeWhileEveryoneElsesSnapshotGoesOn() {
        for (int i = 0; i < 200; i++) {
            store.put(free("demo", "c" + i, "1001"));
        }
        store.put(free("small", "only", "2001"));
        List<RecordingSink> hoarders = new ArrayList<>();
        List<Subscription> theirs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            RecordingSink sink = new RecordingSink();
            sink.takesCatchUp = false; // reads nothing of its snapshot
            hoarders.add(sink);
            theirs.add(subscribe("demo", sink, Optional.of("hoarding-session"), Optional.empty(), OptionalLong.empty()));
        }
        Await.until(() -> hoarders.subList(0, 4).stream().allMatch(s -> s.events.size() == Subscription.CATCH_UP_WINDOW),
                "four of the session's catch-ups wrote a window each");
        RecordingSink other = new RecordingSink();
        subscribe("small", other, Optional.of("another-session"), Optional.empty(), OptionalLong.empty());
        Await.until(() -> snapshotEnded(other), "another session's small snapshot does not wait");
        assertEquals(List.of(0, 0), hoarders.subList(4, 6).stream().map(s -> s.events.size()).toList(),
                "the fifth and sixth wait their turn");

        theirs.get(0).cancel();
        Await.until(() -> hoarders.get(4).events.size() == Subscription.CATCH_UP_WINDOW, "a turn freed: the fifth goes on");
        assertEquals(0, hoarders.get(5).events.size());
        assertEquals(Subscription.CATCH_UP_WINDOW, hoarders.get(0).events.size(), "the cancelled one wrote no more");

        hoarders.get(1).startReading();
        Await.until(() -> snapshotEnded(hoarders.get(1)), "one that reads finishes its snapshot");
        assertEquals(201, hoarders.get(1).events.size(), "200 conversations and the end");
        Await.until(() -> hoarders.get(5).events.size() == Subscription.CATCH_UP_WINDOW, "and hands its turn on");
    }

    @Test
    void aCatchUpWaitingForItsClientHoldsNoThreadAndStopsAtOnceWhenCancelled() {
        for (int i = 0; i < 100; i++) {
            store.put(free("demo", "c" + i, "1001"));
        }
        List<RecordingSink> stuck = new ArrayList<>();
        List<Subscription> subscriptions = new ArrayList<>();
        for (int i = 0; i < 64; i++) { // far more than the catch-up threads, each of its own session
            RecordingSink sink = new RecordingSink();
            sink.takesCatchUp = false;
            stuck.add(sink);
            subscriptions.add(subscribe("demo", sink, Optional.of("s" + i), Optional.empty(), OptionalLong.empty()));
        }
        Await.until(() -> stuck.stream().allMatch(s -> s.events.size() == Subscription.CATCH_UP_WINDOW),
                "every one wrote its window: none waited for a thread another's client held");
        subscriptions.forEach(Subscription::cancel);
        stuck.forEach(RecordingSink::startReading);
        RecordingSink late = new RecordingSink();
        subscribe("demo", late, Optional.of("s0"), Optional.empty(), OptionalLong.empty());
        Await.until(() -> snapshotEnded(late), "the next one is served");
        assertTrue(stuck.stream().allMatch(s -> s.events.size() == Subscription.CATCH_UP_WINDOW),
                "cancelled ones wrote nothing after they were cancelled");
        assertEquals(1, hub.count());
    }
}
