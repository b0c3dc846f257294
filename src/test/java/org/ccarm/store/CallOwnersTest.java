package org.ccarm.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.ccarm.store.redis.RedisConversationStore;
import org.ccarm.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The instances carrying calls, in memory and on a real redis-server alike: liveness that
 * expires, the calls kept per instance, and a claim that takes a lost instance's calls
 * exactly once, never while it is alive, however many claim at once.
 */
class CallOwnersTest {

    private static RedisServer redis;
    private static RedisConversationStore redisStore;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        redisStore = RedisConversationStore.connect(new RedisConversationStore.Settings(redis.url(), "owners",
                Duration.ofSeconds(2), 0));
    }

    @AfterAll
    static void stop() {
        redisStore.close();
        redis.close();
    }

    static Stream<Arguments> stores() {
        return Stream.of(Arguments.of("memory", new InMemoryCallOwners()), Arguments.of("redis", redisStore.callOwners()));
    }

    private static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aLiveInstancesCallsCannotBeClaimedAndALostOnesAreClaimedOnce(String kind, CallOwners owners) throws Exception {
        String domain = "d-" + kind + "-" + System.nanoTime();
        assertFalse(join(owners.refresh(domain, "b#1", 300)), "the first refresh: not alive before");
        assertTrue(join(owners.refresh(domain, "b#1", 300)), "alive since");
        join(owners.carried(domain, "c1", "b#1", "dialogs-1"));
        join(owners.carried(domain, "c2", "b#1", "dialogs-2"));
        join(owners.carried(domain, "c3", "b#1", "dialogs-3"));
        join(owners.ended(domain, "c3", "b#1"));
        assertEquals(Set.of("b#1"), join(owners.owners(domain)));
        assertEquals(Set.of("c1", "c2"), join(owners.owned(domain, "b#1")));
        assertEquals(Optional.empty(), join(owners.claim(domain, "b#1")), "alive: not claimed");

        Thread.sleep(400); // its liveness expires
        List<CompletableFuture<Optional<Map<String, String>>>> claims = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            claims.add(owners.claim(domain, "b#1").toCompletableFuture());
        }
        List<Map<String, String>> won = claims.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList();
        assertEquals(List.of(Map.of("c1", "dialogs-1", "c2", "dialogs-2")), won, "exactly one claim takes the calls");
        assertEquals(Set.of(), join(owners.owned(domain, "b#1")), "what a woken owner sees: nothing kept for it");
        assertEquals(Set.of(), join(owners.owners(domain)));
        assertFalse(join(owners.refresh(domain, "b#1", 300)), "woken: its key had expired");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void livenessIsPerDomainAndGoneEndsIt(String kind, CallOwners owners) {
        String domain = "e-" + kind + "-" + System.nanoTime();
        join(owners.refresh(domain, "b#1", 60_000));
        join(owners.carried(domain, "c1", "b#1", "dialogs"));
        assertEquals(Optional.empty(), join(owners.claim(domain, "b#1")));
        assertEquals(Optional.empty(), join(owners.claim(domain + "-other", "b#1")), "another domain has nothing of it");
        join(owners.gone(domain, "b#1"));
        assertEquals(Optional.of(Map.of("c1", "dialogs")), join(owners.claim(domain, "b#1")));
    }
}
