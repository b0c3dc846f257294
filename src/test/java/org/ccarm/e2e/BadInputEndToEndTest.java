package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.ccarm.e2e.OutDocument.OK_UNHOLD;
import static org.ccarm.e2e.OutDocument.assertError;
import static org.ccarm.e2e.OutDocument.assertOk;
import static org.ccarm.e2e.RunningServer.uniqueId;
import static org.ccarm.e2e.RunningServer.unholdXml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.ccarm.callcontrol.Conversation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input, over HTTP: a clear error in an out document, the held
 * conversation the request names still held afterwards, and the server still serving.
 */
class BadInputEndToEndTest {

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    /** {@code ID} in a body is replaced by the id of a held conversation, so a wrongly accepted request would release it. */
    static Stream<Arguments> badDocuments() {
        return Stream.of(
                Arguments.of("not well formed", "<in><request><call_unhold conversation_id=\"ID\"/></request>", 400, "malformed_xml"),
                Arguments.of("binary junk", "\u0000\u0001\u00ff\u00fe<in>\u0007", 400, "malformed_xml"),
                Arguments.of("wrong root", "<out><request><call_unhold conversation_id=\"ID\"/></request></out>", 400, "invalid_document"),
                Arguments.of("the schema's out as root", "<out><response><ok/></response></out>", 400, "invalid_document"),
                Arguments.of("wrong command element", "<in><request><call_hold conversation_id=\"ID\"/></request></in>", 400, "invalid_document"),
                Arguments.of("missing conversation_id", "<in><request><call_unhold operator_id=\"1001\"/></request></in>", 400, "invalid_document"),
                Arguments.of("empty conversation_id", "<in><request><call_unhold conversation_id=\"\"/></request></in>", 400, "invalid_document"),
                Arguments.of("unknown attribute", "<in><request><call_unhold conversation_id=\"ID\" force=\"yes\"/></request></in>", 400, "invalid_document"),
                Arguments.of("unknown element", "<in><request><call_unhold conversation_id=\"ID\"/><reason/></request></in>", 400, "invalid_document"),
                Arguments.of("a namespace", "<in xmlns=\"urn:x\"><request><call_unhold conversation_id=\"ID\"/></request></in>", 400, "invalid_document"),
                Arguments.of("empty doctype", "<!DOCTYPE in><in><request><call_unhold conversation_id=\"ID\"/></request></in>", 400, "doctype_forbidden"),
                Arguments.of("internal entity", "<!DOCTYPE in [<!ENTITY id \"ID\">]><in><request><call_unhold conversation_id=\"&id;\"/></request></in>", 400, "doctype_forbidden"),
                Arguments.of("entity expansion bomb", billionLaughs(), 400, "doctype_forbidden"),
                Arguments.of("external file entity", "<!DOCTYPE in [<!ENTITY f SYSTEM \"file:///etc/hostname\">]><in><request><call_unhold conversation_id=\"&f;\"/></request></in>", 400, "doctype_forbidden"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badDocuments")
    void aBadDocumentIsRefusedAndChangesNothing(String name, String body, int status, String reason) {
        Conversation held = SERVER.add(heldBy("1001", "demo", uniqueId("held"), "1001", "1002"));
        Response response = SERVER.request().contentType("application/xml")
                .body(body.replace("ID", held.id()).getBytes(StandardCharsets.ISO_8859_1))
                .post("/demo/service/cc/arm/call_unhold");
        assertError(response, status, "call_unhold", reason);
        assertStillHeldAndServing(held);
    }

    @Test
    void anEmptyBodyIsRefused() {
        Conversation held = SERVER.add(heldBy("1001", "demo", uniqueId("held"), "1001"));
        assertError(SERVER.request().contentType("application/xml").body(new byte[0]).post("/demo/service/cc/arm/call_unhold"),
                400, "call_unhold", "empty_body");
        assertStillHeldAndServing(held);
    }

    @Test
    void anXmlDeclarationThatContradictsTheBytesIsRefused() {
        Conversation held = SERVER.add(heldBy("1001", "demo", uniqueId("held"), "1001"));
        String body = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + unholdXml(held.id(), null);
        assertError(SERVER.request().contentType("application/xml").body(body.getBytes(StandardCharsets.UTF_8))
                .post("/demo/service/cc/arm/call_unhold"), 400, "call_unhold", "malformed_xml");
        assertStillHeldAndServing(held);
    }

    @Test
    void bytesThatAreNotTheContentTypesCharsetAreRefused() {
        Conversation held = SERVER.add(heldBy("1001", "demo", uniqueId("held"), "1001"));
        byte[] latin1 = unholdXml(held.id() + "\u00e9", null).getBytes(StandardCharsets.ISO_8859_1);
        assertError(SERVER.request().contentType("application/xml; charset=utf-8").body(latin1)
                .post("/demo/service/cc/arm/call_unhold"), 400, "call_unhold", "malformed_xml");
        assertStillHeldAndServing(held);
    }

    @Test
    void aCharsetParameterWinsOverTheXmlDeclaration() {
        String id = uniqueId("caf\u00e9");
        SERVER.add(heldBy("1001", "demo", id, "1001"));
        byte[] utf8 = ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + unholdXml(id, null)).getBytes(StandardCharsets.UTF_8);
        assertOk(SERVER.request().contentType("text/xml; charset=UTF-8").body(utf8).post("/demo/service/cc/arm/call_unhold"), OK_UNHOLD);
    }

    @Test
    void aBodyOverTheLimitIsRefusedWithoutReadingIt() {
        Conversation held = SERVER.add(heldBy("1001", "demo", uniqueId("held"), "1001"));
        String padded = unholdXml(held.id(), null).replace("<in>", "<in>" + " ".repeat(64 * 1024));
        String detail = assertError(SERVER.post("demo", "call_unhold", padded), 413, "call_unhold", "body_too_large");
        assertTrue(detail.contains("65536"), detail);
        assertStillHeldAndServing(held);
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefused() throws Exception {
        Conversation held = SERVER.add(heldBy("1001", "demo", uniqueId("held"), "1001"));
        byte[] body = unholdXml(held.id(), null).replace("<in>", "<in>" + " ".repeat(70 * 1024)).getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(SERVER.uri() + "demo/service/cc/arm/call_unhold"))
                .header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))) // no length: chunked
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode(), response.body());
        assertTrue(response.body().contains("reason=\"body_too_large\""), response.body());
        assertStillHeldAndServing(held);
    }

    @Test
    void aBodyExactlyAtTheLimitIsRead() {
        String id = uniqueId("held");
        SERVER.add(heldBy("1001", "demo", id, "1001"));
        String xml = unholdXml(id, null);
        String padded = xml.replace("<in>", "<in>" + " ".repeat(64 * 1024 - xml.length()));
        assertEquals(64 * 1024, padded.length());
        assertOk(SERVER.post("demo", "call_unhold", padded), OK_UNHOLD);
    }

    @Test
    void aContentTypeThatIsNotXmlIsRefused() {
        Conversation held = SERVER.add(heldBy("1001", "demo", uniqueId("held"), "1001"));
        assertError(SERVER.request().contentType("text/plain").body(unholdXml(held.id(), null)).post("/demo/service/cc/arm/call_unhold"),
                415, "call_unhold", "unsupported_media_type");
        assertError(SERVER.request().contentType("application/xml; charset=no-such-charset")
                .body(unholdXml(held.id(), null).getBytes(StandardCharsets.UTF_8))
                .post("/demo/service/cc/arm/call_unhold"), 415, "call_unhold", "unsupported_media_type");
        assertStillHeldAndServing(held);
    }

    @Test
    void aBodyWithoutContentTypeIsReadAsXml() throws Exception {
        String id = uniqueId("held");
        SERVER.add(heldBy("1001", "demo", id, "1001"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(SERVER.uri() + "demo/service/cc/arm/call_unhold"))
                .POST(HttpRequest.BodyPublishers.ofString(unholdXml(id, null))).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(OK_UNHOLD, response.body());
    }

    @Test
    void aMethodOtherThanPostIsRefusedWithAllow() {
        Conversation held = SERVER.add(heldBy("1001", "demo", uniqueId("held"), "1001"));
        for (String method : new String[] {"GET", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
            Response response = SERVER.request().contentType("application/xml").body(unholdXml(held.id(), null))
                    .request(method, "/demo/service/cc/arm/call_unhold");
            assertError(response, 405, "call_unhold", "method_not_allowed");
            assertEquals("POST", response.header("Allow"), method);
        }
        assertStillHeldAndServing(held);
    }

    @Test
    void anUnknownCommandIsNotFound() {
        Response response = SERVER.post("demo", "call_unholdx", unholdXml("x", null));
        assertError(response, 404, "call_unholdx", "unknown_command");
        assertTrue(response.asString().contains("xs:noNamespaceSchemaLocation=\"error.xsd\""));
    }

    @Test
    void anUnknownDomainIsNotFound() {
        Response response = SERVER.post("nowhere", "call_unhold", unholdXml("x", null));
        assertError(response, 404, "call_unhold", "unknown_domain");
    }

    @Test
    void aPathOutsideTheApiIsNotFound() {
        assertError(SERVER.request().get("/nowhere"), 404, "unknown", "not_found");
        assertError(SERVER.request().post("/demo/service/cc/arm/call_unhold/extra"), 404, "unknown", "not_found");
    }

    private static void assertStillHeldAndServing(Conversation held) {
        assertEquals(held, SERVER.stored("demo", held.id()), "the bad request must change nothing");
        assertOk(SERVER.post("demo", "call_unhold", unholdXml(held.id(), null)), OK_UNHOLD);
    }

    private static String billionLaughs() {
        StringBuilder dtd = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE in [<!ENTITY l0 \"lol\">");
        for (int i = 1; i <= 9; i++) {
            dtd.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
        }
        return dtd.append("]><in><request><call_unhold conversation_id=\"&l9;\"/></request></in>").toString();
    }
}
