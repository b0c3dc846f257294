package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.free;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ccarm.CcArmServer;
import org.ccarm.config.StoreConfig;
import org.ccarm.store.ConversationStore;
import org.ccarm.testing.Await;
import org.ccarm.testing.RedisServer;
import org.ccarm.testing.Resp;
import org.ccarm.testing.TestConfigs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Failover in numbers: a primary, two replicas and three Sentinels (real redis-servers on
 * loopback), the server on {@code redis-sentinel://}, eight clients holding and releasing
 * their own conversations, and the primary killed (SIGKILL) under that load. No answer is
 * a 500, every refusal in the window is 503 {@code store_unavailable}, service comes back
 * within 15 s without a restart; with {@code store.redis.wait-replicas = 1} no change
 * answered 200 is lost (a lost one shows as a later 403 that contradicts it, or as the
 * final state). The window, the 503s and (without waiting) the changes lost are
 * printed: the README's deployment figures come from here.
 */
class SentinelFailoverEndToEndTest {

    private static final String MASTER = "ccarm";
    private static final int CLIENTS = 8;

    @ParameterizedTest(name = "wait-replicas {0}")
    @ValueSource(ints = {0, 1})
    void killingThePrimaryUnderLoadGivesAShortWindowOf503AndNo500(int waitReplicas) throws Exception {
        List<RedisServer> servers = new ArrayList<>();
        try {
            RedisServer primary = RedisServer.start();
            servers.add(primary);
            for (int i = 0; i < 2; i++) {
                servers.add(RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(primary.port())));
            }
            Await.until(() -> info(primary.port(), "replication").split("state=online", -1).length == 3,
                    Duration.ofSeconds(20), "both replicas in sync (online, not still loading the first copy)");
            List<String> sentinels = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RedisServer sentinel = RedisServer.sentinel(MASTER, primary.port(), 2, 1_000);
                servers.add(sentinel);
                sentinels.add("127.0.0.1:" + sentinel.port());
            }
            Await.until(() -> info(servers.get(3).port(), "sentinel").contains("slaves=2,sentinels=3"),
                    Duration.ofSeconds(30), "the Sentinels know both replicas and each other");
            StoreConfig store = new StoreConfig("redis", "redis-sentinel://" + String.join(",", sentinels) + "#" + MASTER,
                    1_000, "failover-" + waitReplicas, waitReplicas);
            List<String> ids = new ArrayList<>();
            try (ConversationStore direct = CcArmServer.openStore(store)) {
                for (int i = 0; i < CLIENTS; i++) {
                    ids.add(RunningServer.uniqueId("failover"));
                    direct.put(free("demo", ids.get(i), "1001"));
                }
            }
            CcArmServer server = CcArmServer.start(TestConfigs.config(Optional.empty(), "demo").withStore(store));
            HoldReleaseLoad load = new HoldReleaseLoad(server.uri(), "demo", ids);
            try {
                load.awaitRunning(20);
                primary.kill();
                load.broken();
                Await.until(load::isBack, Duration.ofSeconds(15), "service back within 15 s of the kill");
                load.keepOn(Duration.ofSeconds(2)); // on the new primary
            } finally {
                load.stop();
                server.close();
            }
            assertTrue(load.odd().isEmpty(), "only 200, 403 and 503 store_unavailable: " + load.odd());
            int lost;
            try (ConversationStore direct = CcArmServer.openStore(store)) {
                lost = load.lost(direct);
            }
            System.out.printf("failover (wait-replicas %d): service back (the first 200 of a request sent after the first "
                    + "503) %d ms after the kill, the last 503 at %d ms, %d answers 503, "
                    + "%d answered changes lost (among %d conversations), %d connections closed before an answer%n",
                    waitReplicas, load.windowMillis(), load.lastRefusalMillis(), load.count(503), lost, CLIENTS,
                    load.dropped());
            if (waitReplicas > 0) {
                assertEquals(0, lost, "with wait-replicas, no change answered 200 is lost");
            }
        } finally {
            servers.forEach(RedisServer::close);
        }
    }

    /** {@code INFO <section>} of the server on this port; empty while it cannot be reached. */
    private static String info(int port, String section) {
        return Resp.text(port, "INFO", section);
    }
}
