package org.ccarm.auth;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ccarm.store.redis.RedisAuthStore;
import org.ccarm.store.redis.RedisConversationStore;
import org.ccarm.testing.Await;
import org.ccarm.testing.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The auth store contract on a real Redis Cluster of three masters, and a session's end heard across nodes. */
class RedisClusterAuthStoreTest extends AuthStoreContract {

    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    protected AuthStore newStore() {
        return RedisAuthStore.connect(new RedisConversationStore.Settings(cluster.url(), "test", Duration.ofSeconds(1), 0));
    }

    @Test
    void aSessionEndedThroughOneStoreIsHeardByAnother() {
        try (AuthStore other = newStore()) {
            Instant now = Instant.now();
            store.putOperator(new Operator(domain, "1001", "$argon2id$x", false));
            assertTrue(store.createSession(new Session(domain, "1001", false, "h-cluster", now, now.plusSeconds(60)),
                    Duration.ofMinutes(1), "$argon2id$x"));
            Set<String> heard = ConcurrentHashMap.newKeySet();
            store.onSessionEnded(heard::add);
            assertTrue(other.endSession(domain, "h-cluster"));
            Await.until(() -> heard.contains("h-cluster"), "the other store's ending heard here, through the cluster's pub/sub");
        }
    }
}
