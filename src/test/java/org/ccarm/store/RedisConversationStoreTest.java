package org.ccarm.store;

import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Refusal;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;
import org.ccarm.events.ConversationEvent;
import org.ccarm.events.EventLog;
import org.ccarm.store.redis.RedisConversationStore;
import org.ccarm.testing.Await;
import org.ccarm.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store contract on Redis (a real server), then what only a shared store has: outages, restarts, the fixture once. */
class RedisConversationStoreTest extends ConversationStoreContract {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @Override
    protected ConversationStore newStore() {
        return open(Duration.ofMillis(1_000));
    }

    private static RedisConversationStore open(Duration timeout) {
        return RedisConversationStore.connect(new RedisConversationStore.Settings(redis.url(), "test", timeout, 0));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void twoStoresOnOneRedisShareEveryChange() {
        try (RedisConversationStore other = open(Duration.ofSeconds(1))) {
            Conversation c = store.put(heldBy("1001", "demo", "shared-1", "1001", "1002")).stored();
            other.apply(c.key(), new Transition.ReleaseHold(Optional.empty()));
            assertFalse(store.find(c.key()).orElseThrow().isOnHold());
            assertEquals(2, store.find(c.key()).orElseThrow().version());
        }
    }

    /** A hold and its release on a conversation this instance knows cost one round trip each: the script, no read. */
    @Test
    void aTransitionOnAKnownConversationIsOneRoundTrip() {
        Conversation c = store.put(free("demo", "one-trip", "1001")).stored();
        try (Probe probe = new Probe()) {
            Map<String, Long> before = probe.calls();
            store.apply(c.key(), new Transition.PlaceHold(Optional.empty(), NOW));
            store.apply(c.key(), new Transition.ReleaseHold(Optional.empty()));
            Map<String, Long> after = probe.calls();
            assertEquals(0, delta(before, after, "hgetall"), "no read");
            assertEquals(2, delta(before, after, "evalsha"), "one script per transition");
        }
        assertEquals(3, store.find(c.key()).orElseThrow().version());
    }

    /**
     * What this instance remembers is never trusted: another instance's change makes its
     * compare-and-set fail, and the transition is decided again on what Redis sends back;
     * a refusal decided on a remembered state is checked by reading.
     */
    @Test
    void aStateChangedByAnotherInstanceIsDecidedAgainOnWhatRedisHas() {
        try (RedisConversationStore other = open(Duration.ofSeconds(1))) {
            Conversation c = store.put(heldBy("1001", "demo", "stale-1", "1001", "1002")).stored();
            assertInstanceOf(TransitionResult.Applied.class,
                    other.apply(c.key(), new Transition.ReleaseHold(Optional.empty())));
            // this store remembers it held: the release is refused only once Redis says it is not held
            TransitionResult again = store.apply(c.key(), new Transition.ReleaseHold(Optional.empty()));
            assertEquals(Refusal.NOT_ON_HOLD, ((TransitionResult.Refused) again).refusal());
            assertInstanceOf(TransitionResult.Applied.class, other.apply(c.key(),
                    new Transition.PlaceHold(Optional.of("1002"), NOW)));
            // this store remembers it free now: the hold's compare-and-set fails and is decided again (refused)
            TransitionResult hold = store.apply(c.key(), new Transition.PlaceHold(Optional.of("1001"), NOW));
            assertEquals(Refusal.ALREADY_ON_HOLD, ((TransitionResult.Refused) hold).refusal());
        }
    }

    /** The event tail keeps what an instance knows fresh: another instance's change read there costs no extra trip. */
    @Test
    void changesTheTailReadsKeepTheKnownStateFresh() throws InterruptedException {
        try (RedisConversationStore other = open(Duration.ofSeconds(1))) {
            Conversation c = store.put(free("tailed", "tail-1", "1001")).stored();
            long position = store.events().position("tailed").lastSeq();
            other.apply(c.key(), new Transition.PlaceHold(Optional.empty(), NOW));
            assertEquals(1, store.events().next(Map.of("tailed", position), 10, 1_000).size());
            try (Probe probe = new Probe()) {
                Map<String, Long> before = probe.calls();
                assertInstanceOf(TransitionResult.Applied.class,
                        store.apply(c.key(), new Transition.ReleaseHold(Optional.empty())));
                Map<String, Long> after = probe.calls();
                assertEquals(0, delta(before, after, "hgetall"), "no read");
                assertEquals(1, delta(before, after, "evalsha"), "one compare-and-set, which did not have to try again");
            }
        }
    }

    /**
     * A conversation ended and created again starts at version 1 once more: the
     * compare-and-set compares the state too, so a remembered first version of the old call
     * never passes for the new one.
     */
    @Test
    void aConversationCreatedAgainAtTheSameVersionIsNotMistakenForTheOldOne() {
        try (RedisConversationStore other = open(Duration.ofSeconds(1))) {
            ConversationKey key = store.put(heldBy("1001", "demo", "again-1", "1001")).stored().key();
            other.remove(key);
            assertEquals(1, other.put(heldBy("1002", "demo", "again-1", "1002")).stored().version());
            // remembered: held by 1001 at version 1; in Redis: held by 1002 at version 1
            TransitionResult release = store.apply(key, new Transition.ReleaseHold(Optional.empty()));
            assertEquals("1002", ((TransitionResult.Applied) release).actingOperator());
            assertEquals(List.of("1002"), other.find(key).orElseThrow().operators());
        }
    }

    /** A store an earlier release wrote (operators, holder and start as fields of their own) is rewritten at start. */
    @Test
    void conversationsInTheEarlierLayoutAreUpgradedAtStart() {
        try (Probe probe = new Probe()) {
            probe.commands.del("test:layout-upgraded");
            probe.commands.hset("test:{demo}:conv:old-1", Map.of("o", "4:10014:1002", "h", "1002", "s", "1764075819123", "v", "7"));
            try (RedisConversationStore upgraded = open(Duration.ofSeconds(1))) {
                Conversation old = upgraded.find(new ConversationKey("demo", "old-1")).orElseThrow();
                assertEquals(List.of("1001", "1002"), old.operators());
                assertEquals("1002", old.hold().orElseThrow().heldBy());
                assertEquals(7, old.version());
                assertEquals(Set.of("v", "d"), probe.commands.hgetall("test:{demo}:conv:old-1").keySet());
                assertInstanceOf(TransitionResult.Applied.class,
                        upgraded.apply(old.key(), new Transition.ReleaseHold(Optional.empty())));
            }
            assertEquals("2", probe.commands.get("test:layout-upgraded"));
        }
    }

    /** A stream entry an earlier release wrote is read as it was: a subscriber resuming across the upgrade misses nothing. */
    @Test
    void streamEntriesOfTheEarlierLayoutAreRead() {
        EventLog.Position position = store.events().position("oldstream");
        try (Probe probe = new Probe()) {
            long seq = probe.commands.incr("test:{oldstream}:events:seq");
            probe.commands.xadd("test:{oldstream}:events", new io.lettuce.core.XAddArgs().id(seq + "-0"),
                    Map.of("e", position.epoch(), "c", "old-entry", "s", "hold", "o", "1001", "t", "1764075819123",
                            "p", "4:10014:1002", "r", "4:10014:1003"));
        }
        List<ConversationEvent> events = store.events().after("oldstream", position.epoch(), position.lastSeq(), 10)
                .orElseThrow();
        assertEquals(1, events.size());
        ConversationEvent event = events.get(0);
        assertEquals(ConversationEvent.Status.HOLD, event.status());
        assertEquals("1001", event.operatorId());
        assertEquals(List.of("1001", "1002"), event.operators());
        assertEquals(List.of("1003"), event.removed());
    }

    private static final java.time.Instant NOW = java.time.Instant.parse("2026-12-02T10:00:00Z");

    private static long delta(Map<String, Long> before, Map<String, Long> after, String command) {
        return after.getOrDefault(command, 0L) - before.getOrDefault(command, 0L);
    }

    /** A connection of the test's own, to look at Redis from outside the store. */
    private static final class Probe implements AutoCloseable {
        final RedisClient client = RedisClient.create(RedisConversationStoreTest.redis.url());
        final StatefulRedisConnection<String, String> connection = client.connect();
        final RedisCommands<String, String> commands = connection.sync();

        /** How many times Redis has run each command, by lower-case name (INFO commandstats). */
        Map<String, Long> calls() {
            Map<String, Long> calls = new HashMap<>();
            for (String line : commands.info("commandstats").split("\r?\n")) {
                if (line.startsWith("cmdstat_")) {
                    String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                    String count = line.substring(line.indexOf("calls=") + 6);
                    calls.put(name, Long.parseLong(count.substring(0, count.indexOf(','))));
                }
            }
            return calls;
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }

    @Test
    void aFixtureIsLoadedOnceEverAndLeavesLiveStateAlone() {
        List<Conversation> fixture = List.of(heldBy("1001", "fixed", "f1", "1001"), free("fixed", "f2", "1002"));
        assertEquals(2, store.loadFixtureOnce("fixed", fixture));
        store.apply(new ConversationKey("fixed", "f1"), new Transition.ReleaseHold(Optional.empty()));
        store.remove(new ConversationKey("fixed", "f2"));
        try (RedisConversationStore restarted = open(Duration.ofSeconds(1))) {
            assertEquals(-1, restarted.loadFixtureOnce("fixed", fixture));
            assertFalse(restarted.find(new ConversationKey("fixed", "f1")).orElseThrow().isOnHold(), "not brought back held");
            assertTrue(restarted.find(new ConversationKey("fixed", "f2")).isEmpty(), "an ended conversation stays ended");
        }
    }

    @Test
    void aStoppedRedisIsUnavailableAtOnceAndTheStoreRecoversByItself() throws Exception {
        Conversation c = store.put(heldBy("1001", "demo", "outage-1", "1001")).stored();
        redis.stop();
        try {
            long start = System.nanoTime();
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                    () -> store.apply(c.key(), new Transition.ReleaseHold(Optional.empty())));
            assertFalse(e.outcomeUnknown(), "rejected before it was sent");
            assertTrue(System.nanoTime() - start < 3_000_000_000L, "no hang: well within a few timeouts");
            assertFalse(store.isReachable());
        } finally {
            redis.startAgain();
        }
        Await.until(store::isReachable, Duration.ofSeconds(10), "the store reconnects by itself");
        assertTrue(store.find(c.key()).orElseThrow().isOnHold(), "the append-only file kept the hold");
        store.apply(c.key(), new Transition.ReleaseHold(Optional.empty()));
        assertFalse(store.find(c.key()).orElseThrow().isOnHold());
    }

    @Test
    void aStalledRedisAnswersUnavailableWithinTheTimeoutAndAWriteInFlightHasAnUnknownOutcome() throws Exception {
        try (RedisConversationStore fast = open(Duration.ofMillis(300))) {
            Conversation c = fast.put(heldBy("1001", "demo", "stall-1", "1001")).stored();
            redis.freeze();
            try {
                long start = System.nanoTime();
                StoreUnavailableException read = assertThrows(StoreUnavailableException.class, () -> fast.find(c.key()));
                assertFalse(read.outcomeUnknown(), "a read changes nothing");
                StoreUnavailableException write = assertThrows(StoreUnavailableException.class,
                        () -> fast.put(heldBy("1001", "demo", "stall-2", "1001")));
                assertTrue(write.outcomeUnknown(), "a write sent without a reply may have been made");
                assertTrue(System.nanoTime() - start < 2_000_000_000L, "each within its 300 ms budget and a margin");
            } finally {
                redis.thaw();
            }
            Await.until(fast::isReachable, Duration.ofSeconds(10), "the store answers again");
            assertTrue(fast.find(new ConversationKey("demo", "stall-2")).isPresent(), "the write had been made after all");
        }
    }
}
