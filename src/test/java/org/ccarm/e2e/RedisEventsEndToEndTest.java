package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.ccarm.e2e.RunningServer.holdXml;
import static org.ccarm.e2e.RunningServer.unholdXml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.ccarm.CcArmServer;
import org.ccarm.config.ServerConfig;
import org.ccarm.config.StoreConfig;
import org.ccarm.store.ConversationStore;
import org.ccarm.testing.Race;
import org.ccarm.testing.RedisServer;
import org.ccarm.testing.TestConfigs;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live events across two instances on one Redis, over real sockets: a change made
 * through one instance reaches the subscribers of the other; the seqs of changes made on
 * both at once have no gaps; a subscriber that drops from one instance resumes on the
 * other with {@code since}, from the shared Stream; a snapshot read from Redis.
 */
class RedisEventsEndToEndTest {

    private static final RestAssuredConfig AS_WRITTEN = RestAssuredConfig.config()
            .encoderConfig(EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false));
    private static final AtomicInteger IDS = new AtomicInteger();

    private static RedisServer redis;
    private static CcArmServer a;
    private static CcArmServer b;
    private static ConversationStore direct;
    private static WebSocketClient client;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        StoreConfig store = new StoreConfig("redis", redis.url(), 1_000, "events-e2e", 0);
        ServerConfig config = TestConfigs.config(Optional.of(RunningServer.TOKEN), "demo").withStore(store);
        a = CcArmServer.start(config);
        b = CcArmServer.start(config);
        direct = CcArmServer.openStore(store);
        client = new WebSocketClient();
        client.start();
    }

    @AfterAll
    static void stop() throws Exception {
        client.stop();
        a.close();
        b.close();
        direct.close();
        redis.close();
    }

    private static String id() {
        return "re" + IDS.incrementAndGet();
    }

    private static Response post(CcArmServer server, String command, String xml) {
        return RestAssured.given().config(AS_WRITTEN).baseUri(server.uri().toString()).contentType("application/xml")
                .body(xml).post("/demo/service/cc/arm/" + command);
    }

    private static EventsEndToEndTest.Subscriber subscriber(CcArmServer server) throws Exception {
        return new EventsEndToEndTest.Subscriber(FrameClient.connect(client,
                URI.create("ws://" + server.uri().getAuthority() + "/demo/service/cc/arm/ws")));
    }

    private static long lastSeq() {
        return direct.events().position("demo").lastSeq();
    }

    @Test
    void aHoldMadeOnOneInstanceReachesTheSubscribersOfBoth() throws Exception {
        String id = id();
        direct.put(free("demo", id, "1001", "1002"));
        try (EventsEndToEndTest.Subscriber onA = subscriber(a); EventsEndToEndTest.Subscriber onB = subscriber(b)) {
            long since = lastSeq();
            onA.subscribe(Map.of("since", Long.toString(since)));
            onB.subscribe(Map.of("since", Long.toString(since)));
            assertEquals(200, post(a, "call_hold", holdXml(id, "1002")).statusCode());
            assertEquals(200, post(b, "call_unhold", unholdXml(id, null)).statusCode());
            for (EventsEndToEndTest.Subscriber subscriber : List.of(onA, onB)) {
                Map<String, String> held = subscriber.next();
                assertEquals(List.of(Long.toString(since + 1), "hold", "1002", id), List.of(held.get("seq"),
                        held.get("status"), held.get("operator_id"), held.get("conversation_id")));
                Map<String, String> released = subscriber.next();
                assertEquals(List.of(Long.toString(since + 2), "working", "1002"), List.of(released.get("seq"),
                        released.get("status"), released.get("operator_id")));
                assertEquals(held.get("epoch"), direct.events().position("demo").epoch());
            }
        }
    }

    @Test
    void changesMadeOnBothInstancesAtOnceGetSeqsWithoutGaps() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(id());
            direct.put(free("demo", ids.get(i), "1001"));
        }
        try (EventsEndToEndTest.Subscriber watcher = subscriber(b)) {
            long since = lastSeq();
            watcher.subscribe(Map.of("since", Long.toString(since)));
            List<Integer> statuses = Race.run(40, i -> () -> post(i % 2 == 0 ? a : b, "call_hold", holdXml(ids.get(i), null))
                    .statusCode());
            assertTrue(statuses.stream().allMatch(s -> s == 200), statuses.toString());
            Map<String, String> byConversation = new HashMap<>();
            for (long expected = since + 1; expected <= since + 40; expected++) {
                Map<String, String> event = watcher.next();
                assertEquals(Long.toString(expected), event.get("seq"), "one seq per change, across instances");
                byConversation.put(event.get("conversation_id"), event.get("status"));
            }
            assertEquals(40, byConversation.size(), "every change once");
        }
    }

    @Test
    void aSubscriberDroppedFromOneInstanceResumesOnTheOtherWithoutAGap() throws Exception {
        String id = id();
        direct.put(free("demo", id, "1001"));
        String epoch = direct.events().position("demo").epoch();
        long seen;
        try (EventsEndToEndTest.Subscriber onA = subscriber(a)) {
            onA.subscribe(Map.of("since", Long.toString(lastSeq())));
            assertEquals(200, post(a, "call_hold", holdXml(id, null)).statusCode());
            seen = Long.parseLong(onA.next().get("seq"));
        }
        // while it is away: two more changes, one on each instance
        assertEquals(200, post(a, "call_unhold", unholdXml(id, null)).statusCode());
        assertEquals(200, post(b, "call_hold", holdXml(id, null)).statusCode());
        try (EventsEndToEndTest.Subscriber onB = subscriber(b)) {
            assertEquals(200, Sessions.status(onB.subscribe(Map.of("since", Long.toString(seen), "epoch", epoch))));
            Map<String, String> first = onB.next();
            Map<String, String> second = onB.next();
            assertEquals(List.of(Long.toString(seen + 1), "working"), List.of(first.get("seq"), first.get("status")));
            assertEquals(List.of(Long.toString(seen + 2), "hold"), List.of(second.get("seq"), second.get("status")));
        }
    }

    @Test
    void aSnapshotIsReadFromRedis() throws Exception {
        String held = id();
        String free = id();
        direct.put(heldBy("1002", "demo", held, "1002"));
        direct.put(free("demo", free, "1003"));
        try (EventsEndToEndTest.Subscriber onB = subscriber(b)) {
            onB.subscribe(Map.of("operator_id", "1002 1003"));
            List<Map<String, String>> end = new ArrayList<>();
            Map<String, Map<String, String>> snapshot = onB.snapshot(end);
            assertEquals("hold", snapshot.get(held).get("status"));
            assertEquals("working", snapshot.get(free).get("status"));
            assertEquals(Long.toString(lastSeq()), end.get(0).get("seq"));
        }
    }
    @Test
    void aRedisThatLostItsDataEndsTheSubscriptionsAndANewOneStartsOver() throws Exception {
        String id = id();
        direct.put(free("demo", id, "1001"));
        try (EventsEndToEndTest.Subscriber before = subscriber(b)) {
            before.subscribe(Map.of("since", Long.toString(lastSeq())));
            assertEquals(200, post(a, "call_hold", holdXml(id, null)).statusCode());
            assertEquals("hold", before.next().get("status"));
            flushRedis(); // the stream, its seq and its epoch are gone with everything else
            assertEquals(1008, before.frames.awaitClose(), "told to start over, not left hearing nothing");
        }
        direct.put(free("demo", id, "1001"));
        try (EventsEndToEndTest.Subscriber after = subscriber(b)) {
            after.subscribe(Map.of("since", Long.toString(lastSeq())));
            assertEquals(200, post(a, "call_hold", holdXml(id, null)).statusCode());
            Map<String, String> held = after.next();
            assertEquals(List.of(Long.toString(lastSeq()), direct.events().position("demo").epoch()),
                    List.of(held.get("seq"), held.get("epoch")), "the new stream, live");
        }
    }

    private static void flushRedis() {
        io.lettuce.core.RedisClient flusher = io.lettuce.core.RedisClient.create(redis.url());
        try (var connection = flusher.connect()) {
            connection.sync().flushall();
        } finally {
            flusher.shutdown();
        }
    }
}
