package org.ccarm.store;

import java.time.Duration;
import org.ccarm.store.redis.RedisConversationStore;
import org.ccarm.testing.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on a real Redis Cluster of three masters ({@code redis-cluster://}). */
class RedisClusterConversationStoreTest extends ConversationStoreContract {

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
    protected ConversationStore newStore() {
        return RedisConversationStore.connect(new RedisConversationStore.Settings(cluster.url(), "test",
                Duration.ofMillis(1_000), 0));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }
}
