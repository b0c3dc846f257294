package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.ccarm.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The vendor's own example against the default configuration and its demo fixture,
 * exactly as the README's first curl sends it: ok, then cannot_perform_cmd.
 */
class VendorExampleEndToEndTest {

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer(defaultConfigOnAnyPort());

    static org.ccarm.config.ServerConfig defaultConfigOnAnyPort() {
        try {
            return ConfigLoader.load(Path.of("config", "server.properties"), Map.of("CCARM_HTTP_PORT", "0", "CCARM_SIP_PORT", "0"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theVendorsExampleAnswersOkThenCannotPerform() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        // the shipped configuration requires a session: operator 1001 of the demo fixture logs in, as the README shows
        HttpResponse<String> login = client.send(HttpRequest.newBuilder(URI.create(SERVER.uri() + "demo/service/cc/arm/login"))
                .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofString(
                        "<in><request><login operator_id=\"1001\" password=\"demo-1001\"/></request></in>")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, login.statusCode(), login.body());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        String request = "<in><request><call_unhold conversation_id=\"0647e098a4b48b05\"/></request></in>";
        HttpRequest post = HttpRequest.newBuilder(URI.create(SERVER.uri() + "demo/service/cc/arm/call_unhold"))
                .header("Content-Type", "application/xml").header("Cookie", cookie.substring(0, cookie.indexOf(';')))
                .POST(HttpRequest.BodyPublishers.ofString(request)).build();

        HttpResponse<String> first = client.send(post, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, first.statusCode());
        assertEquals("<out xmlns:xs=\"http://www.w3.org/2001/XMLSchema-instance\" xs:noNamespaceSchemaLocation=\"call_unhold.xsd\">"
                + "<response><ok/></response></out>", first.body());

        HttpResponse<String> second = client.send(post, HttpResponse.BodyHandlers.ofString());
        assertEquals(403, second.statusCode());
        assertEquals("<out xmlns:xs=\"http://www.w3.org/2001/XMLSchema-instance\" xs:noNamespaceSchemaLocation=\"call_unhold.xsd\">"
                + "<error cmd=\"call_unhold\" reason=\"cannot_perform_cmd\">conversation 0647e098a4b48b05 is not on hold</error></out>",
                second.body());
    }
}
