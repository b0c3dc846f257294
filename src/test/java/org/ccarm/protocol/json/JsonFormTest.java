package org.ccarm.protocol.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.OutDocuments;
import org.ccarm.protocol.ProtocolException;
import org.ccarm.protocol.tree.Element;
import org.ccarm.protocol.xml.HardenedXml;
import org.ccarm.protocol.xml.XmlTreeReader;
import org.ccarm.protocol.xml.XmlWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonFormTest {

    private final JsonForm json = new JsonForm();
    private final XmlTreeReader xml = new XmlTreeReader(new HardenedXml());

    /** Every document the server reads or writes: requests of both schemas, and every answer. */
    static Stream<String> documents() {
        List<String> documents = new ArrayList<>(List.of(
                "<in><request><call_unhold conversation_id=\"0647e098a4b48b05\"/></request></in>",
                "<in><request><call_unhold conversation_id=\"c1\" operator_id=\"1002\"/></request></in>",
                "<in><request><call_hold conversation_id=\"c1\"/></request></in>",
                "<in><request><call_hold conversation_id=\"caf\u00e9 &amp; &lt;co&gt; &quot;\" operator_id=\"1001\"/></request></in>",
                "<in xmlns:xs=\"http://www.w3.org/2001/XMLSchema-instance\" xs:noNamespaceSchemaLocation=\"call_hold.xsd\">"
                        + "<request><call_hold conversation_id=\"c1\"/></request></in>"));
        for (String cmd : List.of("call_unhold", "call_hold")) {
            documents.add(XmlWriter.toString(OutDocuments.toElement(Answer.ok(cmd))));
            for (ErrorReason reason : ErrorReason.values()) {
                documents.add(XmlWriter.toString(OutDocuments.toElement(
                        Answer.error(cmd, true, reason, "detail with <markup> & \"quotes\", \u00e9 and \ud83d\ude00"))));
            }
        }
        documents.add(XmlWriter.toString(OutDocuments.toElement(Answer.error("nope", false, ErrorReason.UNKNOWN_COMMAND, "x"))));
        return documents.stream();
    }

    @ParameterizedTest
    @MethodSource("documents")
    void xmlToJsonToXmlGivesTheSameDocument(String document) throws Exception {
        Element tree = xml.read(document.getBytes(StandardCharsets.UTF_8));
        Element back = json.read(json.write(tree));
        assertEquals(tree, back);
        assertEquals(document, XmlWriter.toString(back));
    }

    @Test
    void theVendorsExamplesAreWrittenByteForByte() throws Exception {
        Element request = xml.read("<in><request><call_unhold conversation_id=\"0647e098a4b48b05\"/></request></in>".getBytes());
        assertEquals("[{\"_name\":\"in\",\"_content\":[{\"_name\":\"request\",\"_content\":[{\"_name\":\"call_unhold\","
                + "\"_attributes\":{\"conversation_id\":\"0647e098a4b48b05\"}}]}]}]", new String(json.write(request), StandardCharsets.UTF_8));
        assertEquals("[{\"_name\":\"out\",\"_attributes\":{\"xmlns:xs\":\"http://www.w3.org/2001/XMLSchema-instance\","
                + "\"xs:noNamespaceSchemaLocation\":\"call_unhold.xsd\"},\"_content\":[{\"_name\":\"response\",\"_content\":"
                + "[{\"_name\":\"ok\"}]}]}]", new String(json.write(OutDocuments.toElement(Answer.ok("call_unhold"))), StandardCharsets.UTF_8));
    }

    @Test
    void textIsAJsonStringInContent() throws Exception {
        Element error = OutDocuments.toElement(Answer.error("call_hold", true, ErrorReason.CANNOT_PERFORM_CMD, "not \"held\""));
        String written = new String(json.write(error), StandardCharsets.UTF_8);
        assertTrue(written.contains("{\"_name\":\"error\",\"_attributes\":{\"cmd\":\"call_hold\",\"reason\":\"cannot_perform_cmd\"},"
                + "\"_content\":[\"not \\\"held\\\"\"]}"), written);
    }

    @Test
    void prettyPrintedJsonAndEmptyPartsReadTheSame() throws Exception {
        Element compact = json.read("[{\"_name\":\"in\",\"_content\":[{\"_name\":\"request\"}]}]".getBytes());
        Element pretty = json.read("[\n  {\n    \"_content\" : [ { \"_name\" : \"request\", \"_attributes\": {}, \"_content\": [] } ],\n    \"_name\": \"in\"\n  }\n]  \n".getBytes());
        assertEquals(compact, pretty);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json",
            "{\"_name\":\"in\"}",
            "[]",
            "[{\"_name\":\"in\"},{\"_name\":\"in\"}]",
            "[\"in\"]",
            "[{\"_attributes\":{}}]",
            "[{\"_name\":1}]",
            "[{\"_name\":\"\"}]",
            "[{\"_name\":\"in out\"}]",
            "[{\"_name\":\"a:b:c\"}]",
            "[{\"_name\":\"in\",\"_attributes\":[]}]",
            "[{\"_name\":\"in\",\"_attributes\":{\"a\":1}}]",
            "[{\"_name\":\"in\",\"_attributes\":{\"1a\":\"x\"}}]",
            "[{\"_name\":\"in\",\"_content\":{}}]",
            "[{\"_name\":\"in\",\"_content\":[1]}]",
            "[{\"_name\":\"in\",\"_content\":[null]}]",
            "[{\"_name\":\"in\",\"_content\":[\"\\u0000\"]}]",
            "[{\"_name\":\"in\",\"_text\":\"x\"}]",
            "[{\"_name\":\"in\",\"_name\":\"out\"}]",
            "[{\"_name\":\"in\",\"_attributes\":{\"a\":\"1\",\"a\":\"2\"}}]",
            "[{\"_name\":\"in\"}] []",
            "[{\"_name\":\"in\"}",
    })
    void whatIsNotTheJsonFormIsRefusedWithADetail(String body) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> json.read(body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(ErrorReason.MALFORMED_JSON, e.reason(), e.detail());
        assertTrue(!e.detail().isBlank() && !e.detail().contains("Exception"), e.detail());
    }

    @Test
    void refusalsSayWhatIsWrong() {
        assertEquals("line 1, column 2: a document must be a JSON array holding its root element", detail("{\"_name\":\"in\"}"));
        assertTrue(detail("[{\"_attributes\":{}}]").endsWith("an element needs a _name"));
        assertTrue(detail("[{\"_name\":\"in\",\"_content\":[1]}]").endsWith("_content may hold only elements (objects) and text (strings)"));
    }

    @Test
    void nestingIsBounded() {
        String deep = "[" + "{\"_name\":\"a\",\"_content\":[".repeat(JsonForm.MAX_DEPTH + 1) + "]}".repeat(JsonForm.MAX_DEPTH + 1) + "]";
        assertTrue(detail(deep).contains("nested deeper than " + JsonForm.MAX_DEPTH));
    }

    @Test
    void anEmptyBodyIsEmpty() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> json.read(new byte[0]));
        assertEquals(ErrorReason.EMPTY_BODY, e.reason());
    }

    private String detail(String body) {
        return assertThrows(ProtocolException.class, () -> json.read(body.getBytes(StandardCharsets.UTF_8))).detail();
    }
}
