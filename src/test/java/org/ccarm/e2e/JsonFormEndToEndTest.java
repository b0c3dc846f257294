package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.ccarm.e2e.RunningServer.uniqueId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import org.ccarm.callcontrol.Conversation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The JSON form over HTTP: same commands, rules, statuses and reasons as XML. */
class JsonFormEndToEndTest {

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    static final String OK_UNHOLD_JSON = "[{\"_name\":\"out\",\"_attributes\":{\"xmlns:xs\":\"http://www.w3.org/2001/XMLSchema-instance\","
            + "\"xs:noNamespaceSchemaLocation\":\"call_unhold.xsd\"},\"_content\":[{\"_name\":\"response\",\"_content\":[{\"_name\":\"ok\"}]}]}]";

    static String unholdJson(String id) {
        return "[{\"_name\":\"in\",\"_content\":[{\"_name\":\"request\",\"_content\":[{\"_name\":\"call_unhold\","
                + "\"_attributes\":{\"conversation_id\":\"" + id + "\"}}]}]}]";
    }

    private static Response postJson(String command, String body) {
        return SERVER.request().contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8))
                .post("/demo/service/cc/arm/" + command);
    }

    @Test
    void theVendorsExampleAsJsonAnswersTheVendorsJsonByteForByte() {
        String id = uniqueId("held");
        SERVER.add(heldBy("1001", "demo", id, "1001", "1002"));
        Response response = postJson("call_unhold", unholdJson(id));
        assertEquals(200, response.statusCode(), response.asString());
        assertEquals("application/json", response.contentType());
        assertEquals(OK_UNHOLD_JSON, response.asString());
        assertFalse(SERVER.stored("demo", id).isOnHold());
    }

    @Test
    void aRefusalIsTheSameErrorInJson() {
        String id = uniqueId("free");
        SERVER.add(free("demo", id, "1001"));
        Response response = postJson("call_unhold", unholdJson(id));
        assertEquals(403, response.statusCode());
        assertEquals("[{\"_name\":\"out\",\"_attributes\":{\"xmlns:xs\":\"http://www.w3.org/2001/XMLSchema-instance\","
                + "\"xs:noNamespaceSchemaLocation\":\"call_unhold.xsd\"},\"_content\":[{\"_name\":\"error\",\"_attributes\":"
                + "{\"cmd\":\"call_unhold\",\"reason\":\"cannot_perform_cmd\"},\"_content\":[\"conversation " + id
                + " is not on hold\"]}]}]", response.asString());
    }

    @Test
    void holdWorksInJsonToo() {
        String id = uniqueId("free");
        SERVER.add(free("demo", id, "1001", "1002"));
        Response response = postJson("call_hold", unholdJson(id).replace("call_unhold", "call_hold")
                .replace("\"conversation_id\"", "\"operator_id\":\"1002\",\"conversation_id\""));
        assertEquals(200, response.statusCode(), response.asString());
        assertEquals("1002", SERVER.stored("demo", id).hold().orElseThrow().heldBy());
    }

    @Test
    void anXmlRequestGetsJsonWhenItsAcceptAsksAndTheOtherWayRound() {
        String id = uniqueId("held");
        SERVER.add(heldBy("1001", "demo", id, "1001"));
        Response json = SERVER.request().contentType("application/xml").accept("application/json")
                .body(RunningServer.unholdXml(id, null)).post("/demo/service/cc/arm/call_unhold");
        assertEquals("application/json", json.contentType());
        assertEquals(OK_UNHOLD_JSON, json.asString());

        String id2 = uniqueId("held");
        SERVER.add(heldBy("1001", "demo", id2, "1001"));
        Response xml = SERVER.request().contentType("application/json").accept("application/xml")
                .body(unholdJson(id2)).post("/demo/service/cc/arm/call_unhold");
        OutDocument.assertOk(xml, OutDocument.OK_UNHOLD);
    }

    @Test
    void acceptQualitiesAndWildcardsAreHonoured() {
        String id = uniqueId("held");
        SERVER.add(heldBy("1001", "demo", id, "1001"));
        Response response = SERVER.request().contentType("application/xml")
                .accept("application/xml;q=0.5, application/json;q=0.9, */*;q=0.1")
                .body(RunningServer.unholdXml(id, null)).post("/demo/service/cc/arm/call_unhold");
        assertEquals(OK_UNHOLD_JSON, response.asString());
        Response wildcard = SERVER.request().contentType("application/json").accept("*/*")
                .body(unholdJson("no-such")).post("/demo/service/cc/arm/call_unhold");
        assertEquals("application/json", wildcard.contentType());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not json                | [{\"_name\":\"in\"                                                     | 400 | malformed_json",
            "not an array            | {\"_name\":\"in\"}                                                     | 400 | malformed_json",
            "no _name                | [{\"_content\":[]}]                                                    | 400 | malformed_json",
            "wrong type              | [{\"_name\":\"in\",\"_content\":\"request\"}]                          | 400 | malformed_json",
            "an undeclared prefix    | [{\"_name\":\"x:in\"}]                                                 | 400 | malformed_json",
            "schema-invalid          | [{\"_name\":\"in\",\"_content\":[{\"_name\":\"request\"}]}]            | 400 | invalid_document",
            "wrong command element   | [{\"_name\":\"in\",\"_content\":[{\"_name\":\"request\",\"_content\":[{\"_name\":\"call_hold\",\"_attributes\":{\"conversation_id\":\"ID\"}}]}]}] | 400 | invalid_document",
            "an unknown attribute    | [{\"_name\":\"in\",\"_content\":[{\"_name\":\"request\",\"_content\":[{\"_name\":\"call_unhold\",\"_attributes\":{\"conversation_id\":\"ID\",\"x\":\"1\"}}]}]}] | 400 | invalid_document",
            "text where none may be  | [{\"_name\":\"in\",\"_content\":[\"ID\"]}]                             | 400 | invalid_document",
    })
    void badJsonIsRefusedWithTheSameStatusesAndChangesNothing(String name, String body, int status, String reason) {
        Conversation held = SERVER.add(heldBy("1001", "demo", uniqueId("held"), "1001"));
        Response response = postJson("call_unhold", body.replace("ID", held.id()));
        assertEquals(status, response.statusCode(), response.asString());
        assertEquals("application/json", response.contentType());
        assertTrue(response.asString().contains("\"reason\":\"" + reason + "\""), response.asString());
        assertEquals(held, SERVER.stored("demo", held.id()));
        assertEquals(OK_UNHOLD_JSON, postJson("call_unhold", unholdJson(held.id())).asString());
    }

    @Test
    void anEmptyJsonBodyIsEmpty() {
        Response response = SERVER.request().contentType("application/json").body(new byte[0]).post("/demo/service/cc/arm/call_unhold");
        assertEquals(400, response.statusCode());
        assertTrue(response.asString().contains("\"reason\":\"empty_body\""), response.asString());
    }

    @Test
    void jsonInAnotherCharsetThanUtf8IsUnsupported() {
        Response response = SERVER.request().contentType("application/json; charset=ISO-8859-1")
                .body(unholdJson("x").getBytes(StandardCharsets.ISO_8859_1)).post("/demo/service/cc/arm/call_unhold");
        assertEquals(415, response.statusCode());
        assertTrue(response.asString().contains("\"reason\":\"unsupported_media_type\""), response.asString());
    }

    @Test
    void errorsBeforeTheBodyFollowTheRequestsFormat() {
        Response unknown = SERVER.request().contentType("application/json").body("[]").post("/demo/service/cc/arm/no_such");
        assertEquals(404, unknown.statusCode());
        assertEquals("[{\"_name\":\"out\",\"_attributes\":{\"xmlns:xs\":\"http://www.w3.org/2001/XMLSchema-instance\","
                + "\"xs:noNamespaceSchemaLocation\":\"error.xsd\"},\"_content\":[{\"_name\":\"error\",\"_attributes\":"
                + "{\"cmd\":\"no_such\",\"reason\":\"unknown_command\"},\"_content\":[\"command no_such is not known; known commands: "
                + "call_unhold, call_hold, login, logout, session, subscribe, unsubscribe\"]}]}]", unknown.asString());
    }
}
