package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.free;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.ccarm.CcArmServer;
import org.ccarm.callcontrol.ConversationKey;
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
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** What one client last knew of its conversation, from the answers it got. */
    private static final class Client {
        final String id;
        boolean held; // as the last 200 (or a 403 that says which) left it
        boolean uncertain; // a 503 saying the outcome is unknown came after it
        int contradicted; // a 403 that says otherwise than a certain last 200: an answered change was lost
        final Map<Integer, Integer> statuses = new TreeMap<>();

        Client(String id) {
            this.id = id;
        }
    }

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
            List<Client> clients = new ArrayList<>();
            try (ConversationStore direct = CcArmServer.openStore(store)) {
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(new Client(RunningServer.uniqueId("failover")));
                    direct.put(free("demo", clients.get(i).id, "1001"));
                }
            }
            CcArmServer server = CcArmServer.start(TestConfigs.config(Optional.empty(), "demo").withStore(store));
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong killedAt = new AtomicLong();
            AtomicLong firstRefusal = new AtomicLong(); // the first 503 after the kill
            AtomicLong backAt = new AtomicLong(); // the first 200 of a request sent after that
            AtomicLong lastRefusal = new AtomicLong();
            Map<String, String> odd = new ConcurrentHashMap<>();
            ExecutorService load = Executors.newFixedThreadPool(CLIENTS);
            try {
                for (Client client : clients) {
                    load.submit(() -> drive(server.uri(), client, running, killedAt, firstRefusal, backAt, lastRefusal, odd));
                }
                Await.until(() -> clients.stream().allMatch(c -> {
                    synchronized (c) {
                        return c.statuses.getOrDefault(200, 0) > 20;
                    }
                }),
                        Duration.ofSeconds(20), "the load runs");
                primary.kill();
                killedAt.set(System.nanoTime());
                Await.until(() -> backAt.get() != 0, Duration.ofSeconds(15), "service back within 15 s of the kill");
                long since = System.nanoTime();
                Await.until(() -> System.nanoTime() - since > TimeUnit.SECONDS.toNanos(2) || !odd.isEmpty(),
                        Duration.ofSeconds(5), "two more seconds of load on the new primary");
            } finally {
                running.set(false);
                load.shutdown();
                assertTrue(load.awaitTermination(30, TimeUnit.SECONDS));
                server.close();
            }
            assertTrue(odd.isEmpty(), "only 200, 403 and 503 store_unavailable: " + odd);

            int lost = 0;
            int refused = 0;
            try (ConversationStore direct = CcArmServer.openStore(store)) {
                for (Client client : clients) {
                    boolean held = direct.find(new ConversationKey("demo", client.id)).orElseThrow().isOnHold();
                    synchronized (client) {
                        if (held != client.held && !client.uncertain) {
                            lost++;
                        }
                        lost += client.contradicted;
                        refused += client.statuses.getOrDefault(503, 0);
                    }
                }
            }
            long window = TimeUnit.NANOSECONDS.toMillis(backAt.get() - killedAt.get());
            long lastRefusalAfterKill = lastRefusal.get() == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(lastRefusal.get() - killedAt.get());
            System.out.printf("failover (wait-replicas %d): service back (the first 200 of a request sent after the first "
                    + "503) %d ms after the kill, the last 503 at %d ms, %d answers 503, "
                    + "%d answered changes lost (among %d conversations)%n", waitReplicas, window, lastRefusalAfterKill,
                    refused, lost, CLIENTS);
            if (waitReplicas > 0) {
                assertEquals(0, lost, "with wait-replicas, no change answered 200 is lost");
            }
        } finally {
            servers.forEach(RedisServer::close);
        }
    }

    /** One client: holds and releases its conversation, as its last answers say it is, until told to stop. */
    private void drive(URI base, Client client, AtomicBoolean running, AtomicLong killedAt, AtomicLong firstRefusal,
                       AtomicLong backAt, AtomicLong lastRefusal, Map<String, String> odd) {
        while (running.get()) {
            String command = client.held ? "call_unhold" : "call_hold";
            long sent = System.nanoTime();
            int status;
            String body;
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("demo/service/cc/arm/" + command))
                        .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/xml")
                        .POST(HttpRequest.BodyPublishers.ofString("<in><request><" + command + " conversation_id=\""
                                + client.id + "\" operator_id=\"1001\"/></request></in>")).build(),
                        HttpResponse.BodyHandlers.ofString());
                status = answer.statusCode();
                body = answer.body();
            } catch (IOException | InterruptedException e) {
                odd.put(client.id, "no answer: " + e);
                return;
            }
            synchronized (client) {
                client.statuses.merge(status, 1, Integer::sum);
            }
            if (status == 200) {
                client.held = command.equals("call_hold");
                client.uncertain = false;
                if (firstRefusal.get() != 0 && sent > firstRefusal.get()) {
                    backAt.compareAndSet(0, System.nanoTime());
                }
            } else if (status == 403 && (body.contains("already on hold") || body.contains("is not on hold"))) {
                boolean held = body.contains("already on hold");
                if (held != client.held && !client.uncertain) {
                    client.contradicted++; // the store is not as our last 200 left it
                }
                client.held = held; // (a change of unknown outcome may have been made after all)
                client.uncertain = false;
            } else if (status == 503 && body.contains("reason=\"store_unavailable\"")) {
                lastRefusal.set(System.nanoTime());
                if (killedAt.get() != 0) {
                    firstRefusal.compareAndSet(0, lastRefusal.get());
                }
                client.uncertain |= body.contains("unknown");
            } else {
                odd.put(client.id, status + " " + body);
            }
        }
    }

    /** {@code INFO <section>} of the server on this port; empty while it cannot be reached. */
    private static String info(int port, String section) {
        return Resp.text(port, "INFO", section);
    }
}
