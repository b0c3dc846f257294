package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Transition;
import org.ccarm.config.AuthConfig;
import org.ccarm.config.Limits;
import org.ccarm.store.InMemoryConversationStore;
import org.ccarm.testing.Await;
import org.ccarm.testing.TestConfigs;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Live events over the websocket (docs/protocol.md, "Events"), against the real server
 * over real sockets: the snapshot then live changes, the rights of who watches whom,
 * events and audit lines one to one, a resume with {@code since} that loses nothing
 * while changes go on, a reset when {@code since} is too old, and a subscriber that never
 * reads. The event stream (SSE) has its own test; Redis across instances too.
 */
class EventsEndToEndTest {

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer(TestConfigs.config(Optional.of(RunningServer.TOKEN), "demo", "other")
            .withAuth(new AuthConfig(true, 1_800_000, 43_200_000, 5, 20, 60_000, List.of(), List.of())));

    /** Without authentication, retaining only 5 events per domain. */
    @RegisterExtension
    static final RunningServer SMALL = new RunningServer(TestConfigs.config(Optional.of(RunningServer.TOKEN), "demo"),
            new InMemoryConversationStore(5));

    /** Without authentication, with a queue of 32 events per subscriber. */
    @RegisterExtension
    static final RunningServer QUEUE = new RunningServer(TestConfigs.config(
            new Limits(64 * 1024, 10_000, 1_000, 10_000, 10_000, 256, 8_192, 300_000, 32), Optional.of(RunningServer.TOKEN),
            "demo"));

    @RegisterExtension
    static final AuditCapture AUDIT = new AuditCapture();

    private static WebSocketClient client;

    @BeforeAll
    static void operators() throws Exception {
        for (String id : List.of("1001", "1002", "1003")) {
            putOperator(id, false);
        }
        putOperator("9001", true);
        client = new WebSocketClient();
        client.start();
    }

    @AfterAll
    static void stopClient() throws Exception {
        client.stop();
    }

    private static void putOperator(String id, boolean supervisor) {
        assertTrue(SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN).contentType("application/json")
                .body("{\"password\": \"demo-" + id + "\", \"supervisor\": " + supervisor + "}")
                .put("/admin/domains/demo/operators/" + id).statusCode() < 300);
    }

    private static String token(String operator) {
        return Sessions.login(SERVER, "demo", operator, "demo-" + operator);
    }

    private static Response asOperator(String token, String command, String xml) {
        return SERVER.request().header("Authorization", "Bearer " + token).contentType("application/xml").body(xml)
                .post("/demo/service/cc/arm/" + command);
    }

    private static Subscriber connect(RunningServer server, String token) throws Exception {
        URI uri = URI.create("ws://" + server.uri().getAuthority() + "/demo/service/cc/arm/ws");
        return new Subscriber(token == null ? FrameClient.connect(client, uri)
                : FrameClient.connect(client, uri, Map.of("Authorization", "Bearer " + token)));
    }

    private static long lastSeq(RunningServer server) {
        return server.store().events().position("demo").lastSeq();
    }

    private static String epoch(RunningServer server) {
        return server.store().events().position("demo").epoch();
    }

    /** A websocket connection that subscribes and reads events. */
    static final class Subscriber implements AutoCloseable {
        final FrameClient frames;

        Subscriber(FrameClient frames) {
            this.frames = frames;
        }

        /** Sends a subscribe frame and returns its answer frame (the first frame after it: events start only after the answer). */
        String subscribe(Map<String, String> attributes) throws Exception {
            frames.send(Sessions.frame("0007", "subscribe", Sessions.json("subscribe", attributes)));
            String answer = frames.receive();
            assertFalse(EventFrames.isEvent(answer), "the answer comes first: " + answer);
            assertEquals("0007", answer.substring(12, 16));
            return answer;
        }

        Map<String, String> next() throws Exception {
            String frame = frames.receive();
            assertTrue(EventFrames.isEvent(frame), frame);
            return EventFrames.event(frame);
        }

        /** The snapshot's entries by conversation, and its end. */
        Map<String, Map<String, String>> snapshot(List<Map<String, String>> end) throws Exception {
            Map<String, Map<String, String>> entries = new HashMap<>();
            while (true) {
                Map<String, String> event = next();
                if (event.get("type").equals("snapshot_end")) {
                    end.add(event);
                    return entries;
                }
                assertEquals("snapshot", event.get("type"), event.toString());
                assertFalse(event.containsKey("seq"), "a snapshot entry is no change: " + event);
                entries.put(event.get("conversation_id"), event);
            }
        }

        @Override
        public void close() {
            frames.close();
        }
    }

    @Test
    void anOperatorGetsTheSnapshotOfItsConversationsThenItsChangesLive() throws Exception {
        String mine = RunningServer.uniqueId("ev-mine");
        String shared = RunningServer.uniqueId("ev-shared");
        String others = RunningServer.uniqueId("ev-others");
        SERVER.add(heldBy("1001", "demo", mine, "1001"));
        SERVER.add(free("demo", shared, "1001", "1002"));
        SERVER.add(free("demo", others, "1003"));
        String operator = token("1001");
        try (Subscriber subscriber = connect(SERVER, operator)) {
            assertEquals(200, Sessions.status(subscriber.subscribe(Map.of())));
            List<Map<String, String>> end = new ArrayList<>();
            Map<String, Map<String, String>> snapshot = subscriber.snapshot(end);
            assertEquals("hold", snapshot.get(mine).get("status"));
            assertEquals("1001", snapshot.get(mine).get("operator_id"));
            assertEquals("working", snapshot.get(shared).get("status"));
            assertFalse(snapshot.containsKey(others), "another operator's conversation is not watched");
            long endSeq = Long.parseLong(end.get(0).get("seq"));
            assertEquals(epoch(SERVER), end.get(0).get("epoch"));

            assertEquals(200, asOperator(operator, "call_unhold", RunningServer.unholdXml(mine, null)).statusCode());
            Map<String, String> released = subscriber.next();
            assertEquals("conversation", released.get("type"));
            assertEquals(mine, released.get("conversation_id"));
            assertEquals("working", released.get("status"));
            assertEquals("1001", released.get("operator_id"), "who released it");
            assertEquals(endSeq + 1, Long.parseLong(released.get("seq")));
            Instant.parse(released.get("at"));

            // a change of a conversation 1001 is not in takes a seq, but 1001 does not hear of it
            assertEquals(200, asOperator(token("1003"), "call_hold", RunningServer.holdXml(others, null)).statusCode());
            assertEquals(200, asOperator(token("1002"), "call_hold", RunningServer.holdXml(shared, "1002")).statusCode());
            Map<String, String> held = subscriber.next();
            assertEquals(shared, held.get("conversation_id"));
            assertEquals("hold", held.get("status"));
            assertEquals("1002", held.get("operator_id"), "who holds it");
            assertEquals(endSeq + 3, Long.parseLong(held.get("seq")), "seq counts the domain's changes, gaps included");
        }
    }

    @Test
    void anEventFrameIsLaidOutAsARequestNamedEvent() throws Exception {
        String id = RunningServer.uniqueId("ev-frame");
        SERVER.add(free("demo", id, "1001"));
        try (Subscriber subscriber = connect(SERVER, token("1001"))) {
            subscriber.subscribe(Map.of("since", Long.toString(lastSeq(SERVER))));
            SERVER.store().apply(new ConversationKey("demo", id), new Transition.PlaceHold(Optional.empty(), Instant.now()));
            String frame = subscriber.frames.receive();
            Map<String, String> event = EventFrames.event(frame); // checks the header
            assertEquals(List.of("seq", "epoch", "type", "conversation_id", "status", "operator_id", "operators", "at"),
                    List.copyOf(event.keySet()));
            assertTrue(frame.substring(48).startsWith("[{\"_name\":\"event\",\"_attributes\":{\"seq\":\""), frame);
        }
    }

    @Test
    void anOperatorMayWatchOnlyItselfAndASupervisorAnyone() throws Exception {
        try (Subscriber operator = connect(SERVER, token("1001")); Subscriber supervisor = connect(SERVER, token("9001"))) {
            String refused = operator.subscribe(Map.of("operator_id", "1002"));
            assertEquals(403, Sessions.status(refused));
            assertTrue(Sessions.bodyOf(refused).contains("not_permitted"), refused);
            assertEquals(403, Sessions.status(operator.subscribe(Map.of("operator_id", "1001 1002"))));
            assertEquals(200, Sessions.status(operator.subscribe(Map.of("operator_id", "1001", "since",
                    Long.toString(lastSeq(SERVER))))));
            assertEquals(200, Sessions.status(supervisor.subscribe(Map.of("operator_id", "1001 1002", "since",
                    Long.toString(lastSeq(SERVER))))));
            assertEquals(400, Sessions.status(supervisor.subscribe(Map.of("since", "-1"))));
        }
        // over plain HTTP there is no connection to carry events: 426
        Response http = asOperator(token("1001"), "subscribe", "<in><request><subscribe/></request></in>");
        assertEquals(426, http.statusCode());
        assertTrue(http.asString().contains("upgrade_required"), http.asString());
        // and without a session, none at all
        try (Subscriber anonymous = connect(SERVER, null)) {
            assertEquals(401, Sessions.status(anonymous.subscribe(Map.of())));
        }
    }

    @Test
    void aLogoutFrameEndsTheSubscriptionOfItsConnection() throws Exception {
        String id = RunningServer.uniqueId("ev-logout");
        SERVER.add(free("demo", id, "1001"));
        try (Subscriber subscriber = connect(SERVER, token("1001"))) {
            int before = SERVER.eventSubscriptions();
            subscriber.subscribe(Map.of("since", Long.toString(lastSeq(SERVER))));
            Await.until(() -> SERVER.eventSubscriptions() == before + 1, "subscribed");
            subscriber.frames.send(Sessions.frame("0009", "logout", Sessions.json("logout", Map.of())));
            assertEquals(200, Sessions.status(subscriber.frames.receive()));
            Await.until(() -> SERVER.eventSubscriptions() == before, "what it watched was the session's right: it ends too");
            SERVER.store().apply(new ConversationKey("demo", id), new Transition.PlaceHold(Optional.empty(), Instant.now()));
            subscriber.frames.send(Sessions.frame("0010", "logout", Sessions.json("logout", Map.of())));
            String next = subscriber.frames.receive();
            assertFalse(EventFrames.isEvent(next), "no event after the logout, only the next answer: " + next);
        }
    }

    /**
     * The feed replaces {@code [1001, 1002]} with {@code [1002, 1003]} held by 1003: 1001
     * hears once that, for it, the conversation ended (released, no operator: it learns
     * nothing of who holds it now), and nothing after; 1002 hears the hold. (1001 once heard
     * the event naming 1003.)
     */
    @Test
    void anOperatorTheFeedTookOutOfAConversationHearsItEndedAndNothingAfter() throws Exception {
        String id = RunningServer.uniqueId("ev-out");
        String mine = RunningServer.uniqueId("ev-mine");
        String feed = "/admin/domains/demo/conversations/";
        try (Subscriber out = connect(SERVER, token("1001")); Subscriber staying = connect(SERVER, token("1002"))) {
            assertEquals(201, feedPut(feed + id, "{\"operators\": [\"1001\", \"1002\"]}"));
            out.subscribe(Map.of("since", Long.toString(lastSeq(SERVER))));
            staying.subscribe(Map.of("since", Long.toString(lastSeq(SERVER))));
            assertEquals(200, feedPut(feed + id, "{\"operators\": [\"1002\", \"1003\"], \"held_by\": \"1003\"}"));
            assertEquals(200, asOperator(token("9001"), "call_unhold", RunningServer.unholdXml(id, "1003")).statusCode());
            assertEquals(201, feedPut(feed + mine, "{\"operators\": [\"1001\"]}"));

            Map<String, String> ended = out.next();
            assertEquals(id, ended.get("conversation_id"));
            assertEquals("released", ended.get("status"));
            assertFalse(ended.containsKey("operator_id"), ended.toString());
            Map<String, String> next = out.next();
            assertEquals(mine, next.get("conversation_id"), "nothing more of the conversation it left: " + next);

            Map<String, String> held = staying.next();
            assertEquals("hold", held.get("status"));
            assertEquals("1003", held.get("operator_id"));
            assertEquals("working", staying.next().get("status"));
        }
    }

    private static int feedPut(String path, String json) {
        return SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN).contentType("application/json")
                .body(json).put(path).statusCode();
    }

    @Test
    void everyChangeOnEveryPathIsOneEventAndOneAuditLineWithTheSameSeq() throws Exception {
        String supervisor = token("9001");
        String id = RunningServer.uniqueId("ev-audit");
        try (Subscriber watcher = connect(SERVER, supervisor)) {
            watcher.subscribe(Map.of("since", Long.toString(lastSeq(SERVER))));
            String feed = "/admin/domains/demo/conversations/" + id;
            assertEquals(201, SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN)
                    .contentType("application/json").body("{\"operators\": [\"1001\", \"1002\"]}").put(feed).statusCode());
            assertEquals(200, asOperator(supervisor, "call_hold", RunningServer.holdXml(id, "1002")).statusCode());
            assertEquals(403, asOperator(supervisor, "call_hold", RunningServer.holdXml(id, "1002")).statusCode());
            assertEquals(200, asOperator(supervisor, "call_unhold", RunningServer.unholdXml(id, "1001")).statusCode());
            assertEquals(204, SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN).delete(feed)
                    .statusCode());
            List<Map<String, String>> events = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                events.add(watcher.next());
            }
            assertEquals(List.of("working", "hold", "working", "released"), events.stream().map(e -> e.get("status")).toList());
            assertEquals(java.util.Arrays.asList(null, "1002", "1001", null),
                    events.stream().map(e -> e.get("operator_id")).toList());
            List<String> lines = AUDIT.lines().stream().filter(line -> line.contains("conversation=" + id + " ")).toList();
            assertEquals(5, lines.size(), lines.toString());
            Pattern seq = Pattern.compile(" seq=(\\d+|-) ");
            List<String> auditSeqs = new ArrayList<>();
            for (String line : lines) {
                Matcher m = seq.matcher(line);
                assertTrue(m.find(), line);
                if (line.contains("status=403")) {
                    assertEquals("-", m.group(1), "a refusal changed nothing and has no event: " + line);
                } else {
                    auditSeqs.add(m.group(1));
                }
            }
            assertEquals(events.stream().map(e -> e.get("seq")).sorted().toList(), auditSeqs.stream().sorted().toList());
        }
    }

    @Test
    void resumingWithSinceAfterADroppedConnectionLosesNothingWhileChangesGoOn() throws Exception {
        String supervisor = token("9001");
        String id = RunningServer.uniqueId("ev-resume");
        SERVER.add(free("demo", id, "1001"));
        String epoch = epoch(SERVER);
        int changes = 200;
        long seen;
        CompletableFuture<Void> changing;
        try (Subscriber first = connect(SERVER, supervisor)) {
            first.subscribe(Map.of("since", Long.toString(lastSeq(SERVER))));
            changing = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < changes; i++) {
                    String xml = i % 2 == 0 ? RunningServer.holdXml(id, null) : RunningServer.unholdXml(id, null);
                    assertEquals(200, asOperator(supervisor, i % 2 == 0 ? "call_hold" : "call_unhold", xml).statusCode());
                }
            });
            seen = 0;
            for (int i = 0; i < 10; i++) {
                seen = Long.parseLong(first.next().get("seq"));
            }
        } // the connection drops with changes still going on
        try (Subscriber resumed = connect(SERVER, supervisor)) {
            assertEquals(200, Sessions.status(resumed.subscribe(Map.of("since", Long.toString(seen), "epoch", epoch))));
            changing.get(60, java.util.concurrent.TimeUnit.SECONDS);
            long last = lastSeq(SERVER);
            long expected = seen + 1;
            while (expected <= last) {
                Map<String, String> event = resumed.next();
                assertEquals("conversation", event.get("type"), "a replay, not a snapshot: " + event);
                assertEquals(expected, Long.parseLong(event.get("seq")), "no gap, no duplicate");
                expected++;
            }
        }
    }

    @Test
    void aSinceOlderThanWhatIsRetainedOrOfAnotherEpochGetsASnapshotWithReset() throws Exception {
        String id = RunningServer.uniqueId("ev-reset");
        SMALL.add(free("demo", id, "1001"));
        for (int i = 0; i < 10; i++) { // more changes than the 5 retained
            SMALL.store().apply(new ConversationKey("demo", id), i % 2 == 0
                    ? new Transition.PlaceHold(Optional.empty(), Instant.now()) : new Transition.ReleaseHold(Optional.empty()));
        }
        for (Map<String, String> since : List.of(Map.of("since", "1"), Map.of("since", Long.toString(lastSeq(SMALL)),
                "epoch", "0123456789abcdef"), Map.of("since", Long.toString(lastSeq(SMALL) + 5)))) {
            try (Subscriber subscriber = connect(SMALL, null)) {
                assertEquals(200, Sessions.status(subscriber.subscribe(since)));
                List<Map<String, String>> end = new ArrayList<>();
                Map<String, Map<String, String>> snapshot = subscriber.snapshot(end);
                assertEquals("true", snapshot.get(id).get("reset"), since.toString());
                assertEquals("true", end.get(0).get("reset"));
                assertEquals(lastSeq(SMALL), Long.parseLong(end.get(0).get("seq")));
            }
        }
    }

    @Test
    void aSubscriberThatNeverReadsIsEndedAndTheOthersGetEveryEvent() throws Exception {
        String id = RunningServer.uniqueId("ev-stuck");
        QUEUE.add(free("demo", id, "1001"));
        try (Socket stuck = neverReading(QUEUE); Subscriber reader = connect(QUEUE, null)) {
            reader.subscribe(Map.of("since", Long.toString(lastSeq(QUEUE))));
            Await.until(() -> QUEUE.eventSubscriptions() == 2, "both subscribed");
            long from = lastSeq(QUEUE) + 1;
            long expected = from;
            // changes in bursts of 20 (within the queue of 32), until the stuck one is ended
            for (int burst = 0; burst < 2_000 && QUEUE.eventSubscriptions() == 2; burst++) {
                for (int i = 0; i < 20; i++) {
                    QUEUE.store().apply(new ConversationKey("demo", id), (expected + i) % 2 == 0
                            ? new Transition.PlaceHold(Optional.empty(), Instant.now())
                            : new Transition.ReleaseHold(Optional.empty()));
                }
                long last = lastSeq(QUEUE);
                while (expected <= last) {
                    assertEquals(expected, Long.parseLong(reader.next().get("seq")), "the reader gets every event, in order");
                    expected++;
                }
            }
            Await.until(() -> QUEUE.eventSubscriptions() == 1, "the subscriber that never reads is ended");
            assertTrue(expected - from > 32, "it was ended once its queue was full, not before");
            // when it reads at last, it finds what was queued (at most the queue) and then a close with 1008
            assertEquals(1008, closeCode(stuck));
        }
    }

    /**
     * Subscribers ended (1008) for not reading never take the close frame queued behind
     * what they left unread: their connections are dropped after the grace (10 s), not kept
     * until the websocket's idle timeout (5 minutes) with their send queues full. (Jetty's
     * isOpen() is false as soon as the server's close is queued, so the grace once never
     * fired: 40 such sockets were all still open 30 s later.)
     */
    @Test
    void subscribersEndedForNotReadingAreDroppedAfterTheGrace() throws Exception {
        String id = RunningServer.uniqueId("ev-stuck-many");
        QUEUE.add(free("demo", id, "1001"));
        List<Socket> stuck = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                stuck.add(NeverReading.subscribe(QUEUE, "demo", null, 0));
            }
            Await.until(() -> QUEUE.eventSubscriptions() == stuck.size(), "subscribed");
            for (int i = 0; i < 2_000_000 && QUEUE.eventSubscriptions() > 0; i++) {
                QUEUE.store().apply(new ConversationKey("demo", id), i % 2 == 0
                        ? new Transition.PlaceHold(Optional.empty(), Instant.now())
                        : new Transition.ReleaseHold(Optional.empty()));
            }
            Await.until(() -> QUEUE.eventSubscriptions() == 0, "every subscriber that never reads is ended");
            long ended = System.nanoTime();
            byte[] ping = {(byte) 0x89, (byte) 0x80, 1, 2, 3, 4}; // masked and empty: the server takes it while it waits
            Await.until(() -> stuck.stream().allMatch(socket -> {
                try {
                    socket.getOutputStream().write(ping);
                    return false;
                } catch (java.io.IOException reset) {
                    return true; // dropped by the server
                }
            }), Duration.ofSeconds(25), "the connections are dropped after the grace");
            System.out.printf("subscribers ended for not reading were dropped %d ms after their end%n",
                    (System.nanoTime() - ended) / 1_000_000);
        } finally {
            for (Socket socket : stuck) {
                socket.close();
            }
        }
    }

    /** Reads server frames (unmasked) until the close frame; its status code. */
    private static int closeCode(Socket socket) throws Exception {
        socket.setSoTimeout(20_000);
        java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
        while (true) {
            int opcode = in.readUnsignedByte() & 0x0f;
            long length = in.readUnsignedByte() & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            if (opcode == 0x8) {
                return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
            }
        }
    }

    /** A websocket that subscribes to the whole domain and then never reads, with a small receive buffer. */
    private static Socket neverReading(RunningServer server) throws Exception {
        return NeverReading.subscribe(server, "demo", null, 4096);
    }
}
