package org.ccarm.auth;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.ccarm.store.StoreUnavailableException;
import org.ccarm.store.redis.RedisAuthStore;
import org.ccarm.store.redis.RedisConversationStore;
import org.ccarm.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The auth store contract on a real Redis, and what sharing adds: two stores see one session; an outage is a 503. */
class RedisAuthStoreTest extends AuthStoreContract {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected AuthStore newStore() {
        return RedisAuthStore.connect(new RedisConversationStore.Settings(redis.url(), "test", Duration.ofSeconds(1), 0));
    }

    @Test
    void aSessionCreatedThroughOneStoreIsSeenAndEndedThroughAnother() {
        try (AuthStore other = newStore()) {
            Instant now = Instant.now();
            store.putOperator(new Operator(domain, "1001", "$argon2id$x", false));
            assertTrue(store.createSession(new Session(domain, "1001", false, "h-shared", now, now.plusSeconds(60)),
                    Duration.ofMinutes(1), "$argon2id$x"));
            assertTrue(other.touchSession(domain, "h-shared", now, Duration.ofMinutes(1)).isPresent());
            java.util.Set<String> heard = java.util.concurrent.ConcurrentHashMap.newKeySet();
            store.onSessionEnded(heard::add);
            assertTrue(other.endSession(domain, "h-shared"));
            assertTrue(store.touchSession(domain, "h-shared", now, Duration.ofMinutes(1)).isEmpty());
            org.ccarm.testing.Await.until(() -> heard.contains("h-shared"), "the other store's ending to be heard here");
        }
    }

    @Test
    void anUnreachableRedisIsAnUnavailableStoreNotAnAnswer() throws Exception {
        redis.stop();
        try {
            assertThrows(StoreUnavailableException.class,
                    () -> store.touchSession(domain, "h-any", Instant.now(), Duration.ofMinutes(1)));
        } finally {
            redis.startAgain();
        }
    }
}
