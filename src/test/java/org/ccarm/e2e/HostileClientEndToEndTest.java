package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.ccarm.e2e.OutDocument.OK_UNHOLD;
import static org.ccarm.e2e.RunningServer.uniqueId;
import static org.ccarm.e2e.RunningServer.unholdXml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.config.Limits;
import org.ccarm.config.OpsConfig;
import org.ccarm.testing.Await;
import org.ccarm.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a hostile or careless client did to the server, replayed over real sockets: each
 * finding of the review that found them answers as it should now, and the server keeps
 * serving everyone else. (Limits are small here so that the tests are quick: a 1.5 s
 * deadline for heads and bodies, 32 connections per client address.)
 */
class HostileClientEndToEndTest {

    private static final Limits TIGHT = new Limits(64 * 1024, 10_000, 32, 1_500, 1_500, 256, 8_192, 300_000);
    private static final int OPS_CONNECTIONS = 8;

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer(TestConfigs.config(TIGHT, Optional.of(RunningServer.TOKEN), "demo")
            .withOps(new OpsConfig("127.0.0.1", 0, true, 0, OPS_CONNECTIONS)));

    @RegisterExtension
    final AuditCapture audit = new AuditCapture();

    private static final String UNHOLD = "/demo/service/cc/arm/call_unhold";

    private static String post(String headers, String body) {
        return "POST " + UNHOLD + " HTTP/1.1\r\nHost: x\r\n" + headers + "Content-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    /** Sends {@code raw} on a connection of its own and returns all the server answers until it closes. */
    private static String exchange(String raw) throws IOException {
        try (RawClient client = RawClient.connect(SERVER.uri())) {
            return client.send(raw).readToEnd();
        }
    }

    private static Conversation held() {
        return SERVER.add(heldBy("1001", "demo", uniqueId("hostile"), "1001", "1002"));
    }

    // --- 1. slow clients take no thread ----------------------------------------------

    @Test
    void manyClientsTricklingBodiesTakeNoThreadFromOthersAndGet408() throws Exception {
        List<RawClient> slow = new ArrayList<>();
        try {
            // more than Jetty's 200 threads, spread over client addresses as real clients are
            for (int i = 0; i < 260; i++) {
                InetAddress from = InetAddress.getByName("127.0.0." + (2 + i % 40));
                slow.add(RawClient.connect(SERVER.uri(), from).send("POST " + UNHOLD + " HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/xml\r\nContent-Length: 200\r\n\r\n<in>"));
            }
            Conversation held = held();
            OutDocument.assertOk(SERVER.post("demo", "call_unhold", unholdXml(held.id(), null)), OK_UNHOLD);
            for (RawClient client : slow) {
                String stalled = client.readToEnd();
                assertTrue(stalled.startsWith("HTTP/1.1 408"), stalled);
                assertTrue(stalled.contains("reason=\"request_timeout\""), stalled);
            }
        } finally {
            for (RawClient client : slow) {
                client.close();
            }
        }
    }

    @Test
    void aHeadTrickledByteByByteIsCutOffAtItsDeadline() throws Exception {
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        try (RawClient client = RawClient.connect(SERVER.uri())) {
            client.send("POST " + UNHOLD + " HTTP/1.1\r\nHost: x\r\nX-Slow: ");
            long start = System.nanoTime();
            // one byte every 300 ms: each restarts Jetty's idle timeout, none of them the head's deadline
            pacer.scheduleAtFixedRate(() -> {
                try {
                    client.send("a");
                } catch (IOException closed) {
                    // the server has answered and closed
                }
            }, 300, 300, TimeUnit.MILLISECONDS);
            String answer = client.readToEnd();
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(answer.contains("reason=\"request_timeout\"") && answer.contains("cmd=\"unknown\""), answer);
            assertTrue(System.nanoTime() - start < 6_000_000_000L, "cut off near its 1.5 s deadline, not after 15 s");
        } finally {
            pacer.shutdownNow();
        }
        assertTrue(audit.lines().isEmpty(), "a refusal before any command is not audited: " + audit.lines());
    }

    // --- 2. connection limits ------------------------------------------------------------

    @Test
    void aClientAddressOverItsLimitIsAnswered503AndClosedWhileOthersAreServed() throws Exception {
        InetAddress greedy = InetAddress.getByName("127.0.0.77");
        List<RawClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < TIGHT.maxConnectionsPerAddress(); i++) {
                RawClient client = RawClient.connect(SERVER.uri(), greedy);
                client.send("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n").readResponse(); // kept alive, so counted
                open.add(client);
            }
            try (RawClient oneTooMany = RawClient.connect(SERVER.uri(), greedy)) {
                String answer = oneTooMany.send(post("Content-Type: application/xml\r\n", unholdXml("x", null))).readToEnd();
                assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
                assertTrue(answer.contains("Connection: close") && answer.contains("reason=\"too_many_connections\""), answer);
            }
            // another address is not concerned
            Conversation held = held();
            OutDocument.assertOk(SERVER.post("demo", "call_unhold", unholdXml(held.id(), null)), OK_UNHOLD);
            // and once one of them closes, the greedy address may open one more
            open.remove(0).close();
            awaitOpenConnectionsBelow(TIGHT.maxConnectionsPerAddress() + 1);
            try (RawClient again = RawClient.connect(SERVER.uri(), greedy)) {
                String answer = again.send("GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readToEnd();
                assertTrue(answer.startsWith("HTTP/1.1 404"), answer);
            }
        } finally {
            for (RawClient client : open) {
                client.close();
            }
        }
    }

    // --- the operations listener has the same guards ---------------------------------------

    @Test
    void anOperationsRequestHeadTrickledIsCutOffAtItsDeadline() throws Exception {
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        try (RawClient client = RawClient.connect(SERVER.opsUri())) {
            client.send("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ");
            pacer.scheduleAtFixedRate(() -> {
                try {
                    client.send("a");
                } catch (IOException closed) {
                    // the server has answered and closed
                }
            }, 300, 300, TimeUnit.MILLISECONDS);
            String answer = client.readToEnd();
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(answer.contains("\"error\":\"request_timeout\""), answer);
        } finally {
            pacer.shutdownNow();
        }
    }

    @Test
    void theOperationsListenerKeepsAtMostItsConnectionsAndAnswersTheNextOne503() throws Exception {
        List<RawClient> partial = new ArrayList<>();
        try {
            for (int i = 0; i < OPS_CONNECTIONS; i++) {
                partial.add(RawClient.connect(SERVER.opsUri()).send("GET /metrics HTTP/1.1\r\n"));
            }
            // connected is not yet accepted: the one too many must come after the server has taken them all
            Await.until(() -> SERVER.openOpsConnections() >= OPS_CONNECTIONS, "the server took every one of them");
            try (RawClient oneTooMany = RawClient.connect(SERVER.opsUri())) {
                String answer = oneTooMany.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").readToEnd();
                assertTrue(answer.startsWith("HTTP/1.1 503") && answer.contains("\"error\":\"too_many_connections\""),
                        answer);
            }
        } finally {
            for (RawClient client : partial) {
                client.close();
            }
        }
        Await.until(() -> {
            try (RawClient client = RawClient.connect(SERVER.opsUri())) {
                return client.send("GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .readToEnd().startsWith("HTTP/1.1 200");
            } catch (IOException e) {
                return false;
            }
        }, "liveness served again once the others closed");
    }

    private static void awaitOpenConnectionsBelow(int count) {
        Await.until(() -> SERVER.openConnections() < count, Duration.ofSeconds(10), "a closed connection no longer counted");
    }

    // --- 3. no 500 from input, and every command answer audited ----------------------------

    @ParameterizedTest
    @ValueSource(strings = {";", ";;;", ",", "*/*;q=abc", "application/xml;q=2", "application/json;q=2, ;"})
    void anyAcceptIsReadWithoutFailing(String accept) throws Exception {
        Conversation held = held();
        Response response = SERVER.request().contentType("application/xml").header("Accept", accept)
                .body(unholdXml(held.id(), null)).post(UNHOLD);
        OutDocument.assertOk(response, OK_UNHOLD);
        assertEquals(1, audit.lines().size(), audit.lines().toString());
    }

    @Test
    void anAcceptWithAnEmptyRangeStillChoosesByTheRangesItHas() throws Exception {
        Conversation held = held();
        Response response = SERVER.request().contentType("application/xml").header("Accept", "application/json,;")
                .body(unholdXml(held.id(), null)).post(UNHOLD);
        assertEquals(200, response.statusCode());
        assertTrue(response.asString().startsWith("[{\"_name\":\"out\""), response.asString());
    }

    @ParameterizedTest
    @ValueSource(strings = {";", ";;", "application/xml;;charset", "application/xml; charset = utf-8", "/", "application/",
            "application/xml;charset=\"utf-8", "application/xml;charset=utf-8;charset=utf-8"})
    void aContentTypeThatIsNotAMediaTypeIs415AndAudited(String contentType) throws Exception {
        Conversation held = held();
        String answer = exchange(post("Content-Type: " + contentType + "\r\nConnection: close\r\n",
                unholdXml(held.id(), null)));
        assertTrue(answer.startsWith("HTTP/1.1 415"), answer);
        assertTrue(answer.contains("reason=\"unsupported_media_type\""), answer);
        assertEquals(1, audit.lines().size(), audit.lines().toString());
        assertTrue(SERVER.stored("demo", held.id()).isOnHold());
    }

    @Test
    void theFeedRefusesAContentTypeThatIsNotAMediaType() throws Exception {
        String answer = exchange("PUT /admin/domains/demo/conversations/f1 HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + RunningServer.TOKEN + "\r\nContent-Type: ;\r\nContent-Length: 23\r\n"
                + "Connection: close\r\n\r\n{\"operators\": [\"1001\"]}");
        assertTrue(answer.startsWith("HTTP/1.1 415"), answer);
        assertTrue(answer.contains("\"error\":\"unsupported_media_type\""), answer);
    }

    // --- 6. statuses that say what happened ----------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"GET /\r\n\r\n", "POST " + UNHOLD + " HTTP/3\r\nHost: x\r\n\r\n",
            "POST " + UNHOLD + " HTTP/3.0\r\nHost: x\r\n\r\n"})
    void theVersionsOfHttpItDoesNotSpeakAre505WithTheirOwnReason(String raw) throws Exception {
        String answer = exchange(raw);
        assertTrue(answer.startsWith("HTTP/1.1 505"), answer);
        assertTrue(answer.contains("reason=\"http_version_not_supported\""), answer);
    }

    @Test
    void aCompressedBodyIs415NotMalformed() throws Exception {
        Conversation held = held();
        String answer = exchange(post("Content-Type: application/xml\r\nContent-Encoding: gzip\r\n"
                + "Connection: close\r\n", unholdXml(held.id(), null)));
        assertTrue(answer.startsWith("HTTP/1.1 415"), answer);
        assertTrue(answer.contains("reason=\"unsupported_media_type\"") && answer.contains("Content-Encoding"), answer);
        assertTrue(SERVER.stored("demo", held.id()).isOnHold());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n"})
    void aPlainGetOnTheWebsocketPathIsToldToUpgrade(String upgradeHeaders) throws Exception {
        String answer = exchange("GET /demo/service/cc/arm/ws HTTP/1.1\r\nHost: x\r\n"
                + upgradeHeaders + "Connection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 426"), answer);
        assertTrue(answer.contains("Upgrade: websocket") && answer.contains("Sec-WebSocket-Version: 13"), answer);
        assertTrue(answer.contains("reason=\"upgrade_required\""), answer);
    }

    @Test
    void twoContentTypesAre400() throws Exception {
        Conversation held = held();
        String answer = exchange(post("Content-Type: application/xml\r\nContent-Type: application/json\r\n"
                + "Connection: close\r\n", unholdXml(held.id(), null)));
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.contains("reason=\"bad_request\""), answer);
        assertTrue(SERVER.stored("demo", held.id()).isOnHold());
    }

    @Test
    void aStalledBodyIs408() throws Exception {
        Conversation held = held();
        String body = unholdXml(held.id(), null);
        try (RawClient client = RawClient.connect(SERVER.uri())) {
            String answer = client.send("POST " + UNHOLD + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body.substring(0, 10)).readToEnd();
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(answer.contains("reason=\"request_timeout\"") && answer.contains("cmd=\"call_unhold\""), answer);
        }
        assertTrue(SERVER.stored("demo", held.id()).isOnHold());
        assertEquals(1, audit.lines().size(), audit.lines().toString());
        assertTrue(audit.lines().get(0).contains("outcome=request_timeout status=408"), audit.lines().toString());
    }

    @Test
    void jsonInUtf16IsRefusedAsTheJsonFormIsUtf8() {
        Conversation held = held();
        String json = "[{\"_name\":\"in\",\"_content\":[{\"_name\":\"request\",\"_content\":[{\"_name\":\"call_unhold\","
                + "\"_attributes\":{\"conversation_id\":\"" + held.id() + "\"}}]}]}]";
        Response response = SERVER.request().contentType("application/json").body(json.getBytes(StandardCharsets.UTF_16))
                .post(UNHOLD);
        assertEquals(400, response.statusCode(), response.asString());
        assertTrue(response.asString().contains("malformed_json"), response.asString());
        assertTrue(SERVER.stored("demo", held.id()).isOnHold());
    }

    // --- 5. an audit trail that can be trusted ----------------------------------------------

    @Test
    void theTrailOrdersEachConversationsChangesByVersion() {
        Conversation conversation = held();
        for (int i = 0; i < 6; i++) {
            String operator = i % 2 == 0 ? "1001" : "1002";
            SERVER.post("demo", "call_unhold", unholdXml(conversation.id(), operator)).then().statusCode(200);
            SERVER.post("demo", "call_hold", RunningServer.holdXml(conversation.id(), operator)).then().statusCode(200);
        }
        List<String> lines = audit.lines();
        assertEquals(12, lines.size(), lines.toString());
        for (int i = 0; i < lines.size(); i++) {
            assertTrue(lines.get(i).contains("conversation=" + conversation.id() + " version=" + (i + 2) + " "), lines.get(i));
        }
    }

    @Test
    void valuesThatCouldBreakHideOrBlurALineAreEscapedAndNeverCutAlike() {
        String common = "x".repeat(200);
        for (String id : List.of(common + "A", common + "B", "a\u2028b", "a\u0085b", "a\u202Eb", "\ud83d\ude00" + "y".repeat(130))) {
            SERVER.request().contentType("application/xml;charset=utf-8")
                    .body(unholdXml(id, null).replace("\u0085", "&#x85;").getBytes(StandardCharsets.UTF_8))
                    .post(UNHOLD).then().statusCode(403);
        }
        List<String> lines = audit.lines();
        assertEquals(6, lines.size(), lines.toString());
        assertFalse(lines.get(0).equals(lines.get(1).replace("duration_us=", "")), "two long ids must not write the same line");
        String first = lines.get(0).replaceAll("duration_us=\\d+", "");
        String second = lines.get(1).replaceAll("duration_us=\\d+", "");
        assertFalse(first.equals(second), first);
        assertTrue(lines.get(2).contains("\"a\\u2028b\""), lines.get(2));
        assertTrue(lines.get(3).contains("\"a\\u0085b\""), lines.get(3));
        assertTrue(lines.get(4).contains("\"a\\u202eb\""), lines.get(4));
        assertTrue(lines.get(5).contains("\ud83d\ude00") && !lines.get(5).contains("?"), lines.get(5));
        for (String line : lines) {
            assertTrue(line.codePoints().noneMatch(c -> c == 0x2028 || c == 0x85 || c == 0x202E || c == '\n'), line);
        }
    }
}
