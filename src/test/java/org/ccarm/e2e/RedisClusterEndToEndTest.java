package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.free;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.cluster.SlotHash;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.ccarm.CcArmServer;
import org.ccarm.config.StoreConfig;
import org.ccarm.store.ConversationStore;
import org.ccarm.testing.RedisCluster;
import org.ccarm.testing.RedisServer;
import org.ccarm.testing.TestConfigs;
import org.junit.jupiter.api.Test;

/**
 * Two instances on a real Redis Cluster of three masters, over real sockets: domains on
 * different shards, a hold made through one instance heard on the other's event stream
 * for each domain (one stream tail per hash slot: a single XREAD across slots is CROSSSLOT);
 * a domain's slot moved to another master under load; a master that holds no served
 * domain killed under load.
 */
class RedisClusterEndToEndTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void twoInstancesShareEveryDomainOnItsOwnShard() throws Exception {
        assertNotEquals(SlotHash.getSlot("{demo}"), SlotHash.getSlot("{other}"), "two slots, so two tails");
        try (RedisCluster cluster = RedisCluster.start()) {
            StoreConfig store = new StoreConfig("redis", cluster.url(), 1_000, "cluster-e2e", 0);
            CcArmServer a = CcArmServer.start(TestConfigs.config(Optional.empty(), "demo", "other").withStore(store));
            CcArmServer b = CcArmServer.start(TestConfigs.config(Optional.empty(), "demo", "other").withStore(store));
            try (ConversationStore direct = CcArmServer.openStore(store)) {
                for (String domain : List.of("demo", "other")) {
                    direct.put(free(domain, "c-" + domain, "1001"));
                }
                for (String domain : List.of("demo", "other")) {
                    EventLines lines = EventLines.open(http, b.uri(), domain);
                    lines.await("\"type\":\"snapshot_end\"", 10);
                    long start = System.nanoTime();
                    HttpResponse<String> held = hold(a.uri(), domain, "c-" + domain);
                    assertEquals(200, held.statusCode(), held.body());
                    lines.await("\"conversation_id\":\"c-" + domain + "\",\"status\":\"hold\"", 10);
                    System.out.printf("cluster: a hold in domain %s made through A heard on B after %d ms%n", domain,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                }
            } finally {
                a.close();
                b.close();
            }
        }
    }

    @Test
    void aDomainsSlotMovedToAnotherMasterUnderLoadLosesNoChangeAndKeepsItsEvents() throws Exception {
        int slot = SlotHash.getSlot("{demo}");
        try (RedisCluster cluster = RedisCluster.start()) {
            StoreConfig store = new StoreConfig("redis", cluster.url(), 1_000, "cluster-move", 0);
            List<String> ids = new ArrayList<>();
            try (ConversationStore direct = CcArmServer.openStore(store)) {
                for (int i = 0; i < 300; i++) { // keys enough to move in 30 batches, clients meeting ASK meanwhile
                    ids.add("c-" + i);
                    direct.put(free("demo", "c-" + i, "1001"));
                }
            }
            CcArmServer a = CcArmServer.start(TestConfigs.config(Optional.empty(), "demo").withStore(store));
            CcArmServer b = CcArmServer.start(TestConfigs.config(Optional.empty(), "demo").withStore(store));
            HoldReleaseLoad load = null;
            try {
                EventLines lines = EventLines.open(http, b.uri(), "demo");
                lines.await("\"type\":\"snapshot_end\"", 10);
                load = new HoldReleaseLoad(a.uri(), "demo", ids.subList(0, 6)).awaitRunning(20);
                RedisServer from = cluster.ownerOf(slot);
                RedisServer to = cluster.nodes().stream().filter(node -> node != from).findFirst().orElseThrow();
                long start = System.nanoTime();
                load.broken();
                int moved = cluster.moveSlot(slot, from, to);
                long movedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                load.keepOn(Duration.ofSeconds(2)); // after MOVED, on the new master
                load.stop();
                assertEquals(to, cluster.ownerOf(slot), "the slot is on its new master");
                assertTrue(load.odd().isEmpty(), "only 200, 403 and 503 store_unavailable: " + load.odd());
                try (ConversationStore direct = CcArmServer.openStore(store)) {
                    assertEquals(0, load.lost(direct), "no change answered 200 is lost");
                }
                HttpResponse<String> held = hold(a.uri(), "demo", "c-299");
                assertEquals(200, held.statusCode(), held.body());
                lines.await("\"conversation_id\":\"c-299\",\"status\":\"hold\"", 10);
                System.out.printf("cluster: slot %d (%d keys) moved between masters in %d ms under load: %d answers 200, "
                        + "%d answers 503 store_unavailable (the last %d ms after the move began), 0 changes lost; "
                        + "the other instance's event stream followed it%n", slot, moved, movedMillis, load.count(200),
                        load.count(503), load.lastRefusalMillis());
            } finally {
                if (load != null) {
                    load.stop();
                }
                a.close();
                b.close();
            }
        }
    }

    @Test
    void aMasterHoldingNoServedDomainKilledUnderLoadChangesNothingForThem() throws Exception {
        try (RedisCluster cluster = RedisCluster.start()) {
            StoreConfig store = new StoreConfig("redis", cluster.url(), 1_000, "cluster-kill", 0);
            List<String> ids = List.of("k-1", "k-2", "k-3", "k-4");
            try (ConversationStore direct = CcArmServer.openStore(store)) {
                for (String id : ids) {
                    direct.put(free("demo", id, "1001"));
                }
                direct.put(free("demo", "k-late", "1001"));
            }
            RedisServer holder = cluster.ownerOf(SlotHash.getSlot("{demo}"));
            RedisServer victim = cluster.nodes().stream().filter(node -> node != holder).findFirst().orElseThrow();
            CcArmServer a = CcArmServer.start(TestConfigs.config(Optional.empty(), "demo").withStore(store));
            HoldReleaseLoad load = null;
            try {
                EventLines lines = EventLines.open(http, a.uri(), "demo");
                lines.await("\"type\":\"snapshot_end\"", 10);
                load = new HoldReleaseLoad(a.uri(), "demo", ids).awaitRunning(20);
                victim.kill();
                load.broken();
                load.keepOn(Duration.ofSeconds(4)); // past the cluster's node timeout (2 s): the node is marked failed
                int before = load.count(200);
                load.keepOn(Duration.ofSeconds(1));
                load.stop();
                assertTrue(load.odd().isEmpty(), "only 200 and the 403s of the load: " + load.odd());
                assertEquals(0, load.count(503), "the served domain's shard kept answering");
                assertTrue(load.count(200) > before, "still served after the node was marked failed");
                assertEquals(200, RestAssured.get(a.opsUri() + "health/ready").statusCode(),
                        "ready: every served domain's shard answers");
                HttpResponse<String> held = hold(a.uri(), "demo", "k-late");
                assertEquals(200, held.statusCode(), held.body());
                lines.await("\"conversation_id\":\"k-late\",\"status\":\"hold\"", 10);
                System.out.printf("cluster: a master holding no served domain killed under load: %d answers 200, "
                        + "%d answers 503, still ready, events still flowing%n", load.count(200), load.count(503));
            } finally {
                if (load != null) {
                    load.stop();
                }
                a.close();
            }
        }
    }

    private HttpResponse<String> hold(URI server, String domain, String conversationId) throws Exception {
        return http.send(HttpRequest.newBuilder(server.resolve(domain + "/service/cc/arm/call_hold"))
                .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofString(
                        "<in><request><call_hold conversation_id=\"" + conversationId + "\"/></request></in>")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
