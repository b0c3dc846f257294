package org.ccarm.protocol.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.ccarm.protocol.CommandInput;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hardened parse-validate-bind path for call_unhold, without any transport. What
 * the schema cannot say (an empty id) is the command's to check: ConversationArgumentsTest.
 */
class XmlCommandReaderTest {

    private static final XmlCommandReader UNHOLD = new XmlCommandReader(CommandSchema.of("call_unhold"), new HardenedXml(), true);

    private static CommandInput read(String xml) throws ProtocolException {
        return UNHOLD.read(xml.getBytes(StandardCharsets.UTF_8), null);
    }

    private static String conversationId(CommandInput input) {
        return input.attribute("conversation_id").orElseThrow();
    }

    private static ProtocolException refused(ErrorReason reason, byte[] body, Charset charset) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> UNHOLD.read(body, charset));
        assertEquals(reason, e.reason(), e.detail());
        return e;
    }

    private static ProtocolException refused(ErrorReason reason, String xml) {
        return refused(reason, xml.getBytes(StandardCharsets.UTF_8), null);
    }

    @Test
    void readsTheVendorsExample() throws Exception {
        CommandInput input = read("<in><request><call_unhold conversation_id=\"0647e098a4b48b05\"/></request></in>");
        assertEquals("0647e098a4b48b05", conversationId(input));
        assertEquals(Optional.empty(), input.attribute("operator_id"));
    }

    @Test
    void readsTheOptionalOperator() throws Exception {
        assertEquals(Optional.of("1002"), read("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<in>\n  <request>\n"
                + "    <call_unhold conversation_id=\"c1\" operator_id=\"1002\"/>\n  </request>\n</in>\n").attribute("operator_id"));
    }

    @Test
    void aPipelineIsReusedAfterAFailure() throws Exception {
        refused(ErrorReason.MALFORMED_XML, "<in><request>");
        refused(ErrorReason.INVALID_DOCUMENT, "<in><request><call_unhold/></request></in>");
        refused(ErrorReason.DOCTYPE_FORBIDDEN, "<!DOCTYPE in><in/>");
        assertEquals("c2", conversationId(read("<in><request><call_unhold conversation_id=\"c2\"/></request></in>")));
    }

    @Test
    void anEmptyBodyIsRefused() {
        refused(ErrorReason.EMPTY_BODY, new byte[0], null);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            " ",
            "<in><request><call_unhold conversation_id=\"c1\"/></request>",
            "<in><request><call_unhold conversation_id=\"c1\"></request></in>",
            "<in><request><call_unhold conversation_id=c1/></request></in>",
            "<in><request><call_unhold conversation_id=\"c1\" conversation_id=\"c2\"/></request></in>",
            "<in><request><call_unhold conversation_id=\"&bogus;\"/></request></in>",
            "<x:in><request><call_unhold conversation_id=\"c1\"/></request></x:in>",
            "<in><request><call_unhold conversation_id=\"c1\"/></request></in><in/>",
            "hello",
    })
    void notWellFormedXmlIsMalformed(String xml) {
        refused(ErrorReason.MALFORMED_XML, xml);
    }

    @Test
    void binaryJunkIsMalformed() {
        byte[] junk = new byte[256];
        for (int i = 0; i < junk.length; i++) {
            junk[i] = (byte) (i * 37 + 11);
        }
        refused(ErrorReason.MALFORMED_XML, junk, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "<out><response><ok/></response></out>",
            "<foo/>",
            "<in><request><call_hold conversation_id=\"c1\"/></request></in>",
            "<in><request><call_unhold/></request></in>",
            "<in><request><call_unhold conversation_id=\"c1\" colour=\"red\"/></request></in>",
            "<in><request><call_unhold conversation_id=\"c1\"><extra/></call_unhold></request></in>",
            "<in><request><call_unhold conversation_id=\"c1\"/><call_unhold conversation_id=\"c2\"/></request></in>",
            "<in><request><call_unhold conversation_id=\"c1\"/></request><request/></in>",
            "<in>text<request><call_unhold conversation_id=\"c1\"/></request></in>",
            "<in xmlns=\"urn:other\"><request><call_unhold conversation_id=\"c1\"/></request></in>",
            "<in/>",
    })
    void schemaInvalidDocumentsAreInvalidDocuments(String xml) {
        refused(ErrorReason.INVALID_DOCUMENT, xml);
    }

    @Test
    void theDetailSaysWhatIsWrongWithoutInternals() {
        String detail = refused(ErrorReason.INVALID_DOCUMENT,
                "<in><request><call_unhold conversation_id=\"c1\" colour=\"red\"/></request></in>").detail();
        assertTrue(detail.contains("colour"), detail);
        assertTrue(!detail.contains("Exception") && !detail.contains("org.") && !detail.contains("\tat "), detail);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "<!DOCTYPE in><in><request><call_unhold conversation_id=\"c1\"/></request></in>",
            "<!DOCTYPE in [<!ENTITY id \"c1\">]><in><request><call_unhold conversation_id=\"&id;\"/></request></in>",
            "<!DOCTYPE in SYSTEM \"file:///etc/passwd\"><in/>",
            "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                    + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><lolz>&lol3;</lolz>",
            "<!DOCTYPE in [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/p\"> %p;]><in/>",
    })
    void anyDoctypeIsRefused(String xml) {
        refused(ErrorReason.DOCTYPE_FORBIDDEN, xml);
    }

    @Test
    void aDeclarationThatContradictsTheBytesIsMalformed() {
        // declared UTF-16, written in single bytes
        refused(ErrorReason.MALFORMED_XML, "<?xml version=\"1.0\" encoding=\"UTF-16\"?><in/>");
        // declared UTF-8, but a Latin-1 byte that is no UTF-8 sequence
        byte[] latin1 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><in><request><call_unhold conversation_id=\"caf\u00e9\"/></request></in>"
                .getBytes(StandardCharsets.ISO_8859_1);
        refused(ErrorReason.MALFORMED_XML, latin1, null);
        // an encoding nobody knows
        refused(ErrorReason.MALFORMED_XML, "<?xml version=\"1.0\" encoding=\"X-NO-SUCH\"?><in/>");
    }

    @Test
    void theDeclaredEncodingIsHonouredWhenNoCharsetIsGiven() throws Exception {
        byte[] latin1 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><in><request><call_unhold conversation_id=\"caf\u00e9\"/></request></in>"
                .getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("caf\u00e9", conversationId(UNHOLD.read(latin1, null)));
        byte[] utf16 = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><in><request><call_unhold conversation_id=\"caf\u00e9\"/></request></in>"
                .getBytes(StandardCharsets.UTF_16);
        assertEquals("caf\u00e9", conversationId(UNHOLD.read(utf16, null)));
    }

    @Test
    void aCharsetFromTheContentTypeWinsOverTheDeclaration() throws Exception {
        byte[] utf8 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><in><request><call_unhold conversation_id=\"caf\u00e9\"/></request></in>"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals("caf\u00e9", conversationId(UNHOLD.read(utf8, StandardCharsets.UTF_8)));
        byte[] withBom = ("\uFEFF<in><request><call_unhold conversation_id=\"c1\"/></request></in>").getBytes(StandardCharsets.UTF_8);
        assertEquals("c1", conversationId(UNHOLD.read(withBom, StandardCharsets.UTF_8)));
    }

    @Test
    void bytesThatAreNotTheContentTypesCharsetAreMalformed() {
        byte[] latin1 = "<in><request><call_unhold conversation_id=\"caf\u00e9\"/></request></in>".getBytes(StandardCharsets.ISO_8859_1);
        refused(ErrorReason.MALFORMED_XML, latin1, StandardCharsets.UTF_8);
    }
}
