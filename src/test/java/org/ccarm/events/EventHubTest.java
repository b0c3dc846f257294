package org.ccarm.events;

import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
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
    static final class RecordingSink implements EventSink {
        final List<ConversationEvent> events = new CopyOnWriteArrayList<>();
        volatile boolean takesLive = true;
        volatile String ended;

        @Override
        public void write(ConversationEvent event, Runnable written) {
            events.add(event);
            if (takesLive || event.type() != ConversationEvent.Type.CONVERSATION) {
                written.run();
            }
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
        Subscription subscription = hub.register("demo", new SubscriptionRequest(operators, since, Optional.empty()), sink);
        hub.start(subscription);
        return subscription;
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
        subscribe(stuck, Optional.empty(), OptionalLong.of(since));
        subscribe(healthy, Optional.of(Set.of("1001")), OptionalLong.of(since));
        toggle("a", 1);
        Await.until(() -> stuck.liveSeqs().size() == 1 && healthy.liveSeqs().size() == 1, "both live");
        toggle("a", 20);
        long last = store.events().position("demo").lastSeq();
        Await.until(() -> healthy.liveSeqs().contains(last), "the healthy one has everything");
        Await.until(() -> stuck.ended != null, "the stuck one is ended");
        List<Long> given = stuck.liveSeqs();
        // its queue's worth of live events unread (the first may have come in its catch-up, which does not count)
        assertTrue(given.size() == 8 || given.size() == 9, given.toString());
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
}
