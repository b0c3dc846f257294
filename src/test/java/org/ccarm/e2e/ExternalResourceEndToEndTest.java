package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.ccarm.e2e.RunningServer.uniqueId;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.restassured.response.Response;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No request can make the server fetch anything: every way XML has to name an
 * external resource points at a listener of this test's own on loopback, which must
 * never be contacted. The server has answered before the assertion, and a fetch
 * would have happened while it parsed, so the count is final.
 */
class ExternalResourceEndToEndTest {

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    private static final AtomicInteger FETCHES = new AtomicInteger();
    private static HttpServer trap;

    @BeforeAll
    static void startTrap() throws Exception {
        trap = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        trap.createContext("/", exchange -> {
            FETCHES.incrementAndGet();
            byte[] dtd = "<!ENTITY x \"fetched\">".getBytes();
            exchange.sendResponseHeaders(200, dtd.length);
            exchange.getResponseBody().write(dtd);
            exchange.close();
        });
        trap.start();
    }

    @AfterAll
    static void stopTrap() {
        trap.stop(0);
    }

    /** Each document with the answer it must get: refused (a DOCTYPE; an XInclude, which the schema does not allow), or carried out. */
    static Stream<Arguments> documentsNamingTheTrap() {
        String url = "http://127.0.0.1:" + trap.getAddress().getPort();
        String call = "<request><call_unhold conversation_id=\"ID\"/></request>";
        return Stream.of(
                Arguments.of("<!DOCTYPE in SYSTEM \"" + url + "/dtd\"><in>" + call + "</in>", "doctype_forbidden"),
                Arguments.of("<!DOCTYPE in PUBLIC \"-//X//Y\" \"" + url + "/public\"><in>" + call + "</in>", "doctype_forbidden"),
                Arguments.of("<!DOCTYPE in [<!ENTITY e SYSTEM \"" + url + "/entity\">]><in><request><call_unhold conversation_id=\"&e;\"/></request></in>",
                        "doctype_forbidden"),
                Arguments.of("<!DOCTYPE in [<!ENTITY % p SYSTEM \"" + url + "/parameter\"> %p;]><in>" + call + "</in>", "doctype_forbidden"),
                // a schema-location hint is allowed by the schema and ignored: such a request is carried out
                Arguments.of("<in xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:noNamespaceSchemaLocation=\""
                        + url + "/schema.xsd\">" + call + "</in>", "ok"),
                Arguments.of("<in xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"urn:x "
                        + url + "/schema.xsd\">" + call + "</in>", "ok"),
                Arguments.of("<in xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"" + url + "/include\"/>" + call + "</in>",
                        "invalid_document"));
    }

    @ParameterizedTest
    @MethodSource("documentsNamingTheTrap")
    void noExternalResourceIsEverFetched(String document, String outcome) {
        String id = uniqueId("held");
        SERVER.add(heldBy("1001", "demo", id, "1001"));
        Response response = SERVER.post("demo", "call_unhold", document.replace("ID", id));
        if (outcome.equals("ok")) {
            OutDocument.assertOk(response, OutDocument.OK_UNHOLD);
        } else {
            OutDocument.assertError(response, 400, "call_unhold", outcome);
        }
        assertEquals(0, FETCHES.get(), "the server contacted the trap for: " + document);
    }
}
