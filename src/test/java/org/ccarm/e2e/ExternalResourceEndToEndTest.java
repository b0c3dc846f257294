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

    static Stream<String> documentsNamingTheTrap() {
        String url = "http://127.0.0.1:" + trap.getAddress().getPort();
        String call = "<request><call_unhold conversation_id=\"ID\"/></request>";
        return Stream.of(
                "<!DOCTYPE in SYSTEM \"" + url + "/dtd\"><in>" + call + "</in>",
                "<!DOCTYPE in PUBLIC \"-//X//Y\" \"" + url + "/public\"><in>" + call + "</in>",
                "<!DOCTYPE in [<!ENTITY e SYSTEM \"" + url + "/entity\">]><in><request><call_unhold conversation_id=\"&e;\"/></request></in>",
                "<!DOCTYPE in [<!ENTITY % p SYSTEM \"" + url + "/parameter\"> %p;]><in>" + call + "</in>",
                "<in xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:noNamespaceSchemaLocation=\"" + url + "/schema.xsd\">" + call + "</in>",
                "<in xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"urn:x " + url + "/schema.xsd\">" + call + "</in>",
                "<in xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"" + url + "/include\"/>" + call + "</in>");
    }

    @ParameterizedTest
    @MethodSource("documentsNamingTheTrap")
    void noExternalResourceIsEverFetched(String document) {
        String id = uniqueId("held");
        SERVER.add(heldBy("1001", "demo", id, "1001"));
        Response response = SERVER.post("demo", "call_unhold", document.replace("ID", id));
        // a schema-location hint is harmless and ignored: such a request is carried out (200)
        assertEquals(true, response.statusCode() == 400 || response.statusCode() == 200, response.asString());
        OutDocument.assertValid(response.asString());
        assertEquals(0, FETCHES.get(), "the server contacted the trap for: " + document);
    }
}
