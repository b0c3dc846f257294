package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.restassured.path.xml.XmlPath;
import io.restassured.response.Response;
import java.io.StringReader;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import org.ccarm.protocol.xml.HardenedXml;

/** Assertions on the out documents the server answers. */
public final class OutDocument {

    public static final String OK_UNHOLD = "<out xmlns:xs=\"http://www.w3.org/2001/XMLSchema-instance\""
            + " xs:noNamespaceSchemaLocation=\"call_unhold.xsd\"><response><ok/></response></out>";
    public static final String OK_HOLD = OK_UNHOLD.replace("call_unhold.xsd", "call_hold.xsd");

    private static final Schema OUT_SCHEMA = HardenedXml.loadSchema("xsd/call_unhold.xsd");

    private OutDocument() {}

    /** The answer is {@code status} with an error of {@code reason}, a valid out document; returns the detail. */
    public static String assertError(Response response, int status, String cmd, String reason) {
        String body = response.asString();
        assertEquals(status, response.statusCode(), body);
        assertEquals("application/xml;charset=utf-8", response.contentType().replace(" ", "").toLowerCase(), body);
        assertValid(body);
        XmlPath xml = new XmlPath(body);
        assertEquals(cmd, xml.getString("out.error.@cmd"), body);
        assertEquals(reason, xml.getString("out.error.@reason"), body);
        String detail = xml.getString("out.error");
        assertFalse(detail.isBlank(), body);
        assertFalse(detail.contains("Exception") || detail.contains("\tat ") || detail.contains("org.ccarm"), body);
        return detail;
    }

    public static void assertOk(Response response, String expectedBody) {
        assertEquals(200, response.statusCode(), response.asString());
        assertEquals(expectedBody, response.asString());
    }

    /** Valid against the out element's shape (every command schema declares the same one). */
    public static void assertValid(String body) {
        try {
            OUT_SCHEMA.newValidator().validate(new StreamSource(new StringReader(body)));
        } catch (Exception e) {
            throw new AssertionError("not a valid out document: " + body, e);
        }
    }
}
