package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.ccarm.e2e.JsonFormEndToEndTest.OK_UNHOLD_JSON;
import static org.ccarm.e2e.JsonFormEndToEndTest.unholdJson;
import static org.ccarm.e2e.RunningServer.uniqueId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.ccarm.callcontrol.Conversation;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The framed websocket transport against the real server, with Jetty's websocket client. */
class WebSocketEndToEndTest {

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    private static WebSocketClient client;

    @BeforeAll
    static void startClient() throws Exception {
        client = new WebSocketClient();
        client.setMaxTextMessageSize(1 << 20);
        client.start();
    }

    @AfterAll
    static void stopClient() throws Exception {
        client.stop();
    }

    private static URI ws(String domain) {
        return URI.create("ws://" + SERVER.uri().getAuthority() + "/" + domain + "/service/cc/arm/ws");
    }

    /** A request frame written exactly: padded 32-wide name, compact body, true length. */
    static String frame(String id, String command, String body) {
        String header = id + command + " ".repeat(32 - command.length());
        int length = 12 + header.length() + body.getBytes(StandardCharsets.UTF_8).length;
        return "01" + String.format("%010d", length) + header + body;
    }

    static String answer(String id, int status, String body) {
        return "01" + String.format("%010d", 19 + body.getBytes(StandardCharsets.UTF_8).length) + id + status + body;
    }

    @Test
    void anExactFrameIsAnsweredWithAnExactFrame() throws Exception {
        String id = uniqueId("held");
        SERVER.add(heldBy("1001", "demo", id, "1001", "1002"));
        try (FrameClient frames = FrameClient.connect(client, ws("demo"))) {
            frames.send(frame("0019", "call_unhold", unholdJson(id)));
            assertEquals(answer("0019", 200, OK_UNHOLD_JSON), frames.receive());
        }
        assertFalse(SERVER.stored("demo", id).isOnHold());
    }

    @Test
    void theVendorsDocumentationExamplePastedVerbatimIsAnswered() throws Exception {
        SERVER.add(heldBy("1001", "demo", "0647e098a4b48b05", "1001", "1002"));
        String pasted = "0100000001850019call_unhold\n"
                + "[\n  {\n    \"_name\": \"in\",\n    \"_content\": [\n      {\n        \"_name\": \"request\",\n"
                + "        \"_content\": [\n          {\n            \"_name\": \"call_unhold\",\n"
                + "            \"_attributes\": {\n              \"conversation_id\": \"0647e098a4b48b05\"\n"
                + "            }\n          }\n        ]\n      }\n    ]\n  }\n]                   ";
        try (FrameClient frames = FrameClient.connect(client, ws("demo"))) {
            frames.send(pasted);
            String expected = "0100000002180019200" + OK_UNHOLD_JSON;
            assertEquals(expected, frames.receive());
            assertEquals(218, expected.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void aRefusalIsA403FrameWithTheSameErrorAsHttp() throws Exception {
        String id = uniqueId("free");
        SERVER.add(free("demo", id, "1001"));
        try (FrameClient frames = FrameClient.connect(client, ws("demo"))) {
            frames.send(frame("0007", "call_unhold", unholdJson(id)));
            String body = "[{\"_name\":\"out\",\"_attributes\":{\"xmlns:xs\":\"http://www.w3.org/2001/XMLSchema-instance\","
                    + "\"xs:noNamespaceSchemaLocation\":\"call_unhold.xsd\"},\"_content\":[{\"_name\":\"error\",\"_attributes\":"
                    + "{\"cmd\":\"call_unhold\",\"reason\":\"cannot_perform_cmd\"},\"_content\":[\"conversation " + id
                    + " is not on hold\"]}]}]";
            assertEquals(answer("0007", 403, body), frames.receive());
        }
    }

    @Test
    void callHoldWorksOverTheWebsocket() throws Exception {
        String id = uniqueId("free");
        SERVER.add(free("demo", id, "1003"));
        String hold = unholdJson(id).replace("call_unhold", "call_hold");
        try (FrameClient frames = FrameClient.connect(client, ws("demo"))) {
            frames.send(frame("0100", "call_hold", hold));
            assertTrue(frames.receive().startsWith("01" + "0000000216" + "0100" + "200"));
        }
        assertEquals("1003", SERVER.stored("demo", id).hold().orElseThrow().heldBy());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a short header          | 0100000               | 0000 | 400 | bad_frame",
            "a non-numeric length    | 01000000x1850042call_unhold BODY | 0042 | 400 | bad_frame",
            "a non-numeric id        | 0100000001850x42call_unhold BODY | 0000 | 400 | bad_frame",
            "a wrong version         | 0200000001850042call_unhold BODY | 0042 | 400 | unsupported_version",
            "no command              | 0100000001850042 BODY | 0042 | 400 | bad_frame",
            "an unknown command      | 0100000001850042call_unholdx BODY | 0042 | 404 | unknown_command",
            "a broken body           | 0100000001850042call_unhold [{\"_name\": | 0042 | 400 | malformed_json",
            "a schema-invalid body   | 0100000001850042call_unhold [{\"_name\":\"in\"}] | 0042 | 400 | invalid_document",
            "no body                 | 0100000001850042call_unhold | 0042 | 400 | empty_body",
    })
    void aBadFrameIsAnsweredAndTheConnectionGoesOn(String name, String message, String id, int status, String reason)
            throws Exception {
        Conversation held = SERVER.add(heldBy("1001", "demo", uniqueId("held"), "1001"));
        try (FrameClient frames = FrameClient.connect(client, ws("demo"))) {
            frames.send(message.replace("BODY", unholdJson(held.id())));
            String answer = frames.receive();
            assertTrue(answer.startsWith(id + status, 12), answer);
            assertTrue(answer.contains("\"reason\":\"" + reason + "\""), answer);
            assertEquals(answer.getBytes(StandardCharsets.UTF_8).length, Integer.parseInt(answer.substring(2, 12)), answer);
            assertEquals(held, SERVER.stored("demo", held.id()), "a bad frame changes nothing");

            frames.send(frame("0043", "call_unhold", unholdJson(held.id())));
            assertEquals(answer("0043", 200, OK_UNHOLD_JSON), frames.receive());
        }
    }

    @Test
    void aBinaryMessageIsAnsweredWith415AndTheConnectionGoesOn() throws Exception {
        String id = uniqueId("held");
        SERVER.add(heldBy("1001", "demo", id, "1001"));
        try (FrameClient frames = FrameClient.connect(client, ws("demo"))) {
            frames.sendBinary(frame("0001", "call_unhold", unholdJson(id)).getBytes(StandardCharsets.UTF_8));
            String answer = frames.receive();
            assertTrue(answer.startsWith("0000415", 12) && answer.contains("\"reason\":\"unsupported_media_type\""), answer);
            assertTrue(SERVER.stored("demo", id).isOnHold());
            frames.send(frame("0002", "call_unhold", unholdJson(id)));
            assertEquals(answer("0002", 200, OK_UNHOLD_JSON), frames.receive());
        }
    }

    @Test
    void aMessageOverTheSizeLimitClosesWith1009() throws Exception {
        try (FrameClient frames = FrameClient.connect(client, ws("demo"))) {
            frames.send(frame("0001", "call_unhold", " ".repeat(64 * 1024) + unholdJson("x")));
            assertEquals(1009, frames.awaitClose());
        }
    }

    @Test
    void anUnknownDomainRefusesTheUpgradeWith404() {
        ExecutionException e = assertThrows(ExecutionException.class, () -> FrameClient.connect(client, ws("nowhere")));
        assertEquals(404, assertInstanceOf(UpgradeException.class, e.getCause()).getResponseStatusCode());
    }

    @Test
    void eightPipeliningConnectionsRelease800ConversationsExactlyOnce() throws Exception {
        int connections = 8;
        int perConnection = 100;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < connections * perConnection; i++) {
            String id = uniqueId("pipelined");
            ids.add(id);
            SERVER.add(heldBy("1001", "demo", id, "1001", "1002"));
        }
        List<FrameClient> clients = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            clients.add(FrameClient.connect(client, ws("demo")));
        }
        try {
            for (int i = 0; i < perConnection; i++) { // every connection sends all its frames without waiting
                for (int c = 0; c < connections; c++) {
                    int n = c * perConnection + i;
                    clients.get(c).send(frame(String.format("%04d", n), "call_unhold", unholdJson(ids.get(n))));
                }
            }
            Set<String> answered = new HashSet<>();
            for (int c = 0; c < connections; c++) {
                for (int i = 0; i < perConnection; i++) {
                    String answer = clients.get(c).receive();
                    String id = answer.substring(12, 16);
                    assertTrue(answered.add(id), "answered twice: " + id);
                    assertEquals(c, Integer.parseInt(id) / perConnection, "answered on another connection: " + id);
                    assertEquals(answer(id, 200, OK_UNHOLD_JSON), answer);
                }
            }
            assertEquals(connections * perConnection, answered.size());
        } finally {
            clients.forEach(FrameClient::close);
        }
        for (String id : ids) {
            assertFalse(SERVER.stored("demo", id).isOnHold(), id);
        }
    }

    @Test
    void manyConnectionsRacingOnOneConversationGetExactlyOne200() throws Exception {
        String id = uniqueId("held");
        SERVER.add(heldBy("1001", "demo", id, "1001", "1002"));
        int racers = 24;
        List<FrameClient> clients = new ArrayList<>();
        for (int c = 0; c < racers; c++) {
            clients.add(FrameClient.connect(client, ws("demo")));
        }
        try {
            for (int c = 0; c < racers; c++) {
                clients.get(c).send(frame(String.format("%04d", c), "call_unhold", unholdJson(id)));
            }
            Map<String, Integer> statuses = new HashMap<>();
            for (FrameClient racer : clients) {
                statuses.merge(racer.receive().substring(16, 19), 1, Integer::sum);
            }
            assertEquals(Map.of("200", 1, "403", racers - 1), statuses);
        } finally {
            clients.forEach(FrameClient::close);
        }
        assertFalse(SERVER.stored("demo", id).isOnHold());
    }
}
