package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.ccarm.e2e.RunningServer.holdXml;
import static org.ccarm.e2e.RunningServer.unholdXml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ccarm.CcArmServer;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.config.ServerConfig;
import org.ccarm.config.StoreConfig;
import org.ccarm.store.ConversationStore;
import org.ccarm.testing.Await;
import org.ccarm.testing.Race;
import org.ccarm.testing.RedisServer;
import org.ccarm.testing.TestConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server instances on one Redis, over real sockets: exactly-once across instances,
 * a change made through one seen through the other, Redis stopped under load (only 200s
 * and 503s, fast, and recovery without restarting anything), and an instance killed
 * with SIGKILL losing no acknowledged change.
 */
class RedisEndToEndTest {

    private static final RestAssuredConfig AS_WRITTEN = RestAssuredConfig.config()
            .encoderConfig(EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false));
    private static final long TIMEOUT_MILLIS = 500;
    private static final AtomicInteger IDS = new AtomicInteger();

    private static RedisServer redis;
    private static StoreConfig storeConfig;
    private static CcArmServer a;
    private static CcArmServer b;
    private static ConversationStore direct; // the test's own view of the shared store

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        storeConfig = new StoreConfig("redis", redis.url(), TIMEOUT_MILLIS, "e2e", 0);
        ServerConfig config = TestConfigs.config(Optional.of(RunningServer.TOKEN), "demo").withStore(storeConfig);
        a = CcArmServer.start(config);
        b = CcArmServer.start(config);
        direct = CcArmServer.openStore(storeConfig);
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
        direct.close();
        redis.close();
    }

    private static String id() {
        return "r" + IDS.incrementAndGet();
    }

    private static Response post(CcArmServer server, String command, String xml) {
        return RestAssured.given().config(AS_WRITTEN).baseUri(server.uri().toString()).contentType("application/xml")
                .body(xml).post("/demo/service/cc/arm/" + command);
    }

    @Test
    void ofConcurrentUnholdsSplitAcrossTwoInstancesExactlyOneSucceeds() throws Exception {
        String id = id();
        direct.put(heldBy("1001", "demo", id, "1001", "1002"));
        List<Integer> statuses = Race.run(48, i -> () -> post(i % 2 == 0 ? a : b, "call_unhold", unholdXml(id, null)).statusCode());
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertEquals(47, statuses.stream().filter(s -> s == 403).count(), statuses.toString());
        assertFalse(direct.find(new ConversationKey("demo", id)).orElseThrow().isOnHold());
    }

    @Test
    void aHoldMadeThroughOneInstanceIsReleasedThroughTheOther() {
        String id = id();
        direct.put(free("demo", id, "1001", "1002"));
        OutDocument.assertOk(post(a, "call_hold", holdXml(id, "1002")), OutDocument.OK_HOLD);
        OutDocument.assertError(post(a, "call_hold", holdXml(id, "1001")), 403, "call_hold", "cannot_perform_cmd");
        OutDocument.assertOk(post(b, "call_unhold", unholdXml(id, null)), OutDocument.OK_UNHOLD);
        OutDocument.assertError(post(a, "call_unhold", unholdXml(id, null)), 403, "call_unhold", "cannot_perform_cmd");
    }

    @Test
    void aChangeThroughTheFeedOfOneInstanceIsSeenByTheOther() {
        String id = id();
        RestAssured.given().config(AS_WRITTEN).baseUri(a.uri().toString()).header("Authorization", "Bearer " + RunningServer.TOKEN)
                .contentType("application/json").body("{\"operators\": [\"1001\"], \"held_by\": \"1001\"}")
                .put("/admin/domains/demo/conversations/" + id).then().statusCode(201);
        OutDocument.assertOk(post(b, "call_unhold", unholdXml(id, null)), OutDocument.OK_UNHOLD);
    }

    @Test
    void redisStoppedUnderLoadGivesOnly200sAnd503sQuicklyAndServiceComesBackByItself() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            ids.add(id());
            direct.put(heldBy("1001", "demo", ids.get(i), "1001"));
        }
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger slowest = new AtomicInteger();
        HttpClient client = HttpClient.newHttpClient();
        ExecutorService load = Executors.newFixedThreadPool(8);
        AtomicInteger next = new AtomicInteger();
        for (int t = 0; t < 8; t++) {
            load.submit(() -> {
                for (int i = next.getAndIncrement(); i < ids.size(); i = next.getAndIncrement()) {
                    CcArmServer server = i % 2 == 0 ? a : b;
                    long start = System.nanoTime();
                    int status = send(client, server.uri(), ids.get(i));
                    slowest.accumulateAndGet((int) ((System.nanoTime() - start) / 1_000_000), Math::max);
                    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                }
                return null;
            });
        }
        Await.until(() -> next.get() > 500, Duration.ofSeconds(30), "the load has started");
        redis.stop();
        Await.until(() -> statuses.containsKey(503) && statuses.get(503).get() > 100, Duration.ofSeconds(30), "503s while Redis is down");
        Response down = post(a, "call_unhold", unholdXml(id(), null));
        assertEquals(503, down.statusCode(), down.asString());
        assertEquals("1", down.header("Retry-After"));
        assertTrue(down.asString().contains("reason=\"store_unavailable\""), down.asString());
        redis.startAgain();
        load.shutdown();
        assertTrue(load.awaitTermination(120, TimeUnit.SECONDS));
        assertEquals(Set.of(200, 503), statuses.keySet(), "only 200s and 503s: " + statuses);
        assertTrue(slowest.get() < 3 * TIMEOUT_MILLIS + 1_000, "no answer waited much beyond the store timeout: " + slowest + " ms");
        // back by itself: no server was restarted
        Await.until(() -> {
            String id = id();
            direct.put(heldBy("1001", "demo", id, "1001"));
            return post(b, "call_unhold", unholdXml(id, null)).statusCode() == 200;
        }, Duration.ofSeconds(10), "commands succeed again once Redis is back");
    }

    private static int send(HttpClient client, URI server, String id) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(server.resolve("demo/service/cc/arm/call_unhold"))
                .header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString(unholdXml(id, null))).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void anInstanceKilledUnderLoadLosesNoAcknowledgedHold(@TempDir Path dir) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            ids.add(id());
            direct.put(free("demo", ids.get(i), "1001"));
        }
        Path config = dir.resolve("server.properties");
        Files.writeString(config, "http.port = 0\nops.port = 0\nsip.port = 0\ndomains = demo\nstore.kind = redis\nstore.redis.url = " + redis.url()
                + "\nstore.redis.prefix = e2e\nauth.mode = off\n");
        Path log = dir.resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + Path.of("config", "logback.xml").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), "org.ccarm.Main", "--config", config.toString());
        builder.environment().put("CCARM_AUDIT_FILE", dir.resolve("audit.log").toString());
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process other = builder.start();
        try {
            Await.until(() -> listening(log) != null, Duration.ofSeconds(60), "the other instance says where it listens");
            URI base = URI.create(listening(log));
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            HttpClient client = HttpClient.newHttpClient();
            ExecutorService load = Executors.newFixedThreadPool(8);
            AtomicInteger next = new AtomicInteger();
            for (int t = 0; t < 8; t++) {
                load.submit(() -> {
                    for (int i = next.getAndIncrement(); i < ids.size(); i = next.getAndIncrement()) {
                        HttpResponse<Void> response = client.send(HttpRequest.newBuilder(base.resolve("demo/service/cc/arm/call_hold"))
                                .header("Content-Type", "application/xml")
                                .POST(HttpRequest.BodyPublishers.ofString(holdXml(ids.get(i), null))).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() == 200) {
                            acknowledged.add(ids.get(i));
                        }
                    }
                    return null;
                });
            }
            Await.until(() -> acknowledged.size() > 1_000, Duration.ofSeconds(60), "a thousand holds acknowledged");
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL
            load.shutdownNow();
            load.awaitTermination(30, TimeUnit.SECONDS);
            for (String id : acknowledged) {
                Response seen = post(b, "call_hold", holdXml(id, null));
                OutDocument.assertError(seen, 403, "call_hold", "cannot_perform_cmd");
                assertTrue(seen.asString().contains("already on hold"), seen.asString());
            }
        } finally {
            other.destroyForcibly();
        }
    }

    private static String listening(Path log) {
        try {
            Matcher m = Pattern.compile("cc-arm-server listening on (http://\\S+)").matcher(Files.readString(log));
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
