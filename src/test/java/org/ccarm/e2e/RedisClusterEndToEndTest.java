package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.free;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.lettuce.core.cluster.SlotHash;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ccarm.CcArmServer;
import org.ccarm.config.StoreConfig;
import org.ccarm.store.ConversationStore;
import org.ccarm.testing.RedisCluster;
import org.ccarm.testing.TestConfigs;
import org.junit.jupiter.api.Test;

/**
 * Two instances on a real Redis Cluster of three masters, over real sockets: domains on
 * different shards, a hold made through one instance heard on the other's event stream
 * for each domain (one stream tail per hash slot: a single XREAD across slots is CROSSSLOT).
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
                    BlockingQueue<String> lines = stream(b.uri(), domain);
                    awaitLine(lines, "\"type\":\"snapshot_end\"", 10);
                    long start = System.nanoTime();
                    HttpResponse<String> held = http.send(HttpRequest.newBuilder(a.uri().resolve(domain + "/service/cc/arm/call_hold"))
                            .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofString(
                                    "<in><request><call_hold conversation_id=\"c-" + domain + "\"/></request></in>")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, held.statusCode(), held.body());
                    awaitLine(lines, "\"conversation_id\":\"c-" + domain + "\",\"status\":\"hold\"", 10);
                    System.out.printf("cluster: a hold in domain %s made through A heard on B after %d ms%n", domain,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                }
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private BlockingQueue<String> stream(URI server, String domain) throws Exception {
        HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(server.resolve(domain + "/service/cc/arm/events"))
                .build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (Stream<String> body = response.body()) {
                body.forEach(lines::add);
            } catch (RuntimeException e) {
                // the server closed it
            }
        }, "sse-" + domain);
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static void awaitLine(BlockingQueue<String> lines, String containing, int seconds) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (long left; (left = until - System.nanoTime()) > 0; ) {
            String line = lines.poll(left, TimeUnit.NANOSECONDS);
            if (line != null && line.contains(containing)) {
                return;
            }
        }
        throw new AssertionError("no line with " + containing + " within " + seconds + " s");
    }
}
