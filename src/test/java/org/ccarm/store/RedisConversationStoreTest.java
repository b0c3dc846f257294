package org.ccarm.store;

import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Transition;
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
