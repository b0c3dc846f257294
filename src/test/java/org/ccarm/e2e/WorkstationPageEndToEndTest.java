package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.xml.XmlPath;
import io.restassured.response.Response;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ccarm.config.AuthConfig;
import org.ccarm.testing.TestConfigs;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The workstation page as HTTP serves it, over a real socket (the browser tests drive the
 * page itself): every file of {@code src/main/resources/workstation} and nothing else, the
 * security headers, {@code GET /} leading to it; and the {@code session} query a page
 * asks when it loads (200 without the token, or 401), over HTTP and the websocket.
 */
class WorkstationPageEndToEndTest {

    private static final Path PAGE_SOURCES = Path.of("src/main/resources/workstation");

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer(TestConfigs.config(Optional.of(RunningServer.TOKEN),
            "demo", "other").withAuth(AuthConfig.REQUIRED));

    @RegisterExtension
    static final RunningServer OPEN = new RunningServer(TestConfigs.config(Optional.empty(), "demo"));

    @BeforeAll
    static void operator() {
        assertEquals(201, SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN)
                .contentType("application/json").body("{\"password\": \"demo-1001\"}")
                .put("/admin/domains/demo/operators/1001").statusCode());
    }

    @Test
    void theRootLeadsToTheFirstDomainsWorkstation() {
        Response root = SERVER.request().redirects().follow(false).get("/");
        assertEquals(302, root.statusCode());
        assertEquals("/demo/workstation/", root.header("Location"));
        Response posted = SERVER.request().redirects().follow(false).post("/");
        assertEquals(405, posted.statusCode());
        assertEquals("GET, HEAD", posted.header("Allow"));
        Response noSlash = SERVER.request().redirects().follow(false).get("/other/workstation");
        assertEquals(301, noSlash.statusCode());
        assertEquals("/other/workstation/", noSlash.header("Location"), "the page's relative links need the slash");
    }

    @Test
    void everyFileOfThePageIsServedWithTheSecurityHeaders() throws IOException {
        List<String> files;
        try (Stream<Path> listed = Files.list(PAGE_SOURCES)) {
            files = listed.map(path -> path.getFileName().toString()).sorted().toList();
        }
        assertTrue(files.contains("index.html") && files.contains("app.js"), files.toString());
        for (String file : files) {
            Response response = SERVER.request().get("/demo/workstation/" + file);
            assertEquals(200, response.statusCode(), file);
            assertEquals(Files.readString(PAGE_SOURCES.resolve(file)), response.asString(), file + " as it is in the sources");
            assertSecurityHeaders(response);
        }
        Response index = SERVER.request().get("/demo/workstation/");
        assertEquals(200, index.statusCode());
        assertTrue(index.contentType().startsWith("text/html"), index.contentType());
        assertSecurityHeaders(index);
        assertTrue(SERVER.request().get("/demo/workstation/app.js").contentType().startsWith("text/javascript"));
        // 304 for a file the browser has
        String etag = index.header("ETag");
        assertEquals(304, SERVER.request().header("If-None-Match", etag).get("/demo/workstation/").statusCode());
        assertEquals(304, SERVER.request().header("If-None-Match", "\"other\", W/" + etag).get("/demo/workstation/")
                .statusCode(), "a weak tag in a list, as a proxy that compressed it sends back");
        assertEquals(200, SERVER.request().header("If-None-Match", "\"other\"").get("/demo/workstation/").statusCode());
    }

    @Test
    void thePageLoadsNothingFromElsewhere() throws IOException {
        Pattern elsewhere = Pattern.compile("(?i)(https?:)?//[a-z0-9]|@import|\\burl\\(");
        try (Stream<Path> listed = Files.list(PAGE_SOURCES)) {
            for (Path file : listed.filter(p -> !p.toString().endsWith(".svg")).toList()) {
                String text = Files.readString(file);
                for (String line : text.split("\n")) {
                    String code = line.strip();
                    if (!code.startsWith("//") && !code.startsWith("/*") && !code.startsWith("*")) {
                        assertFalse(elsewhere.matcher(code.replace("http://www.w3.org/2000/svg", "")).find(),
                                file + ": " + line);
                    }
                }
            }
        }
    }

    @Test
    void onlyThePagesOwnFilesExist() {
        Response missing = SERVER.request().get("/demo/workstation/secret.txt");
        assertNotFound(missing, "not_found");
        assertSecurityHeaders(missing);
        assertNotFound(SERVER.request().get("/demo/workstation/%2e%2e%2fconfig%2fserver.properties"), null);
        assertNotFound(SERVER.request().get("/demo/workstation/sub/index.html"), "not_found");
        assertNotFound(SERVER.request().get("/nowhere/workstation/"), "not_found");
        Response posted = SERVER.request().contentType("text/plain").body("x").post("/demo/workstation/");
        assertEquals(405, posted.statusCode());
        assertEquals("GET, HEAD", posted.header("Allow"));
        Response head = SERVER.request().head("/demo/workstation/app.js");
        assertEquals(200, head.statusCode());
        assertEquals("", head.asString());
    }

    @Test
    void theSessionQueryAnswersWhoIsLoggedInWithoutTheToken() {
        String token = Sessions.login(SERVER, "demo", "1001", "demo-1001");
        Response xml = SERVER.request().cookie("ccarm_session", token).get("/demo/service/cc/arm/session");
        assertEquals(200, xml.statusCode(), xml.asString());
        XmlPath answer = new XmlPath(xml.asString());
        assertEquals("1001", answer.getString("out.response.ok.session.@operator_id"));
        assertEquals("false", answer.getString("out.response.ok.session.@supervisor"));
        assertFalse(answer.getString("out.response.ok.session.@expires").isEmpty());
        assertFalse(xml.asString().contains(token), "the token is never read back");
        assertEquals("no-store", xml.header("Cache-Control"));

        Response json = SERVER.request().header("Authorization", "Bearer " + token).accept("application/json")
                .get("/demo/service/cc/arm/session");
        assertEquals(200, json.statusCode());
        assertTrue(json.contentType().startsWith("application/json"), json.contentType());
        assertTrue(json.asString().contains("{\"_name\":\"session\",\"_attributes\":{\"operator_id\":\"1001\","
                + "\"supervisor\":\"false\",\"expires\":"), json.asString());

        Response none = SERVER.request().get("/demo/service/cc/arm/session");
        assertEquals(401, none.statusCode());
        assertTrue(none.asString().contains("reason=\"not_authenticated\""), none.asString());
        Response otherDomain = SERVER.request().cookie("ccarm_session", token).get("/other/service/cc/arm/session");
        assertEquals(401, otherDomain.statusCode(), "a session belongs to its domain");
        Response posted = SERVER.request().cookie("ccarm_session", token).contentType("application/xml")
                .body("<in><request><session/></request></in>").post("/demo/service/cc/arm/session");
        assertEquals(405, posted.statusCode());
        assertEquals("GET", posted.header("Allow"));
        Response foreign = SERVER.request().cookie("ccarm_session", token).header("Origin", "https://evil.example")
                .get("/demo/service/cc/arm/session");
        assertEquals(403, foreign.statusCode(), "the Origin rule, as for every call with the cookie");

        assertEquals(200, SERVER.request().header("Authorization", "Bearer " + token).contentType("application/xml")
                .body(Sessions.LOGOUT_XML).post("/demo/service/cc/arm/logout").statusCode());
        assertEquals(401, SERVER.request().cookie("ccarm_session", token).get("/demo/service/cc/arm/session").statusCode(),
                "a page reloaded after its logout is not logged in");
    }

    /** With authentication off there is no session: ok alone, and the page shows the whole domain. */
    @Test
    void withAuthenticationOffTheSessionQueryIsOkAlone() {
        Response open = OPEN.request().get("/demo/service/cc/arm/session");
        assertEquals(200, open.statusCode());
        assertTrue(open.asString().endsWith("<response><ok/></response></out>"), open.asString());
    }

    /** The same query as a websocket frame: the connection's session. */
    @Test
    void theSessionQueryWorksOverTheWebsocket() throws Exception {
        WebSocketClient client = new WebSocketClient();
        client.start();
        try (FrameClient frames = FrameClient.connect(client,
                URI.create("ws://" + SERVER.uri().getAuthority() + "/demo/service/cc/arm/ws"))) {
            frames.send(Sessions.frame("0001", "session", Sessions.json("session", Map.of())));
            assertEquals(401, Sessions.status(frames.receive()));
            frames.send(Sessions.frame("0002", "login", Sessions.json("login",
                    Map.of("operator_id", "1001", "password", "demo-1001"))));
            assertEquals(200, Sessions.status(frames.receive()));
            frames.send(Sessions.frame("0003", "session", Sessions.json("session", Map.of())));
            String answer = frames.receive();
            assertEquals(200, Sessions.status(answer));
            assertTrue(Sessions.bodyOf(answer).contains("\"operator_id\":\"1001\""), answer);
            assertFalse(Sessions.bodyOf(answer).contains("token"), answer);
        } finally {
            client.stop();
        }
    }

    private static void assertSecurityHeaders(Response response) {
        String policy = response.header("Content-Security-Policy");
        assertTrue(policy != null && policy.startsWith("default-src 'self'") && !policy.contains("unsafe")
                && !policy.contains("http"), String.valueOf(policy));
        assertEquals("nosniff", response.header("X-Content-Type-Options"));
        assertEquals("no-referrer", response.header("Referrer-Policy"));
    }

    private static void assertNotFound(Response response, String reason) {
        assertTrue(response.statusCode() == 404 || response.statusCode() == 400, response.statusCode() + " " + response.asString());
        assertTrue(response.asString().startsWith("<out "), response.asString());
        if (reason != null) {
            assertTrue(response.asString().contains("reason=\"" + reason + "\""), response.asString());
        }
    }
}
