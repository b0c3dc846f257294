package org.ccarm.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import javax.xml.transform.stream.StreamSource;
import org.ccarm.protocol.xml.HardenedXml;
import org.ccarm.protocol.xml.XmlWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OutDocumentsTest {

    private static String xml(Answer answer) {
        return XmlWriter.toString(OutDocuments.toElement(answer));
    }

    /** Every out document the server writes is valid against the command's own schema. */
    static void assertValidOut(String schema, String document) throws Exception {
        HardenedXml.loadSchema("xsd/" + schema).newValidator().validate(new StreamSource(new StringReader(document)));
    }

    @Test
    void okIsTheVendorsDocumentByteForByte() {
        assertEquals("<out xmlns:xs=\"http://www.w3.org/2001/XMLSchema-instance\" xs:noNamespaceSchemaLocation=\"call_unhold.xsd\">"
                + "<response><ok/></response></out>", xml(Answer.ok("call_unhold")));
    }

    @Test
    void anErrorCarriesCmdReasonAndDetail() {
        assertEquals("<out xmlns:xs=\"http://www.w3.org/2001/XMLSchema-instance\" xs:noNamespaceSchemaLocation=\"call_unhold.xsd\">"
                        + "<error cmd=\"call_unhold\" reason=\"cannot_perform_cmd\">conversation c1 is not on hold</error></out>",
                xml(Answer.error("call_unhold", true, ErrorReason.CANNOT_PERFORM_CMD, "conversation c1 is not on hold")));
    }

    @Test
    void anUnknownCommandNamesErrorXsd() {
        assertTrue(xml(Answer.error("nope", false, ErrorReason.UNKNOWN_COMMAND, "x"))
                .contains("xs:noNamespaceSchemaLocation=\"error.xsd\"><error cmd=\"nope\""));
    }

    @ParameterizedTest
    @EnumSource(ErrorReason.class)
    void everyErrorDocumentIsValidAgainstTheSchema(ErrorReason reason) throws Exception {
        assertValidOut("call_unhold.xsd", xml(Answer.error("call_unhold", true, reason, "a <detail> & \"quotes\"")));
        assertValidOut("call_hold.xsd", xml(Answer.ok("call_hold")));
    }

    @Test
    void clientTextIsEscapedCutAndStrippedOfWhatXmlCannotCarry() throws Exception {
        String hostile = "\"/><inject x=\"1\u0001\ud800" + "x".repeat(1000);
        String document = xml(Answer.error(hostile, false, ErrorReason.UNKNOWN_COMMAND, hostile));
        assertValidOut("call_unhold.xsd", document);
        assertTrue(document.length() < 1000, document);
        assertTrue(document.contains("cmd=\"&quot;/&gt;&lt;inject x=&quot;1\uFFFD\uFFFD"), document);
    }
}
