package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.ccarm.e2e.OutDocument.OK_UNHOLD;
import static org.ccarm.e2e.OutDocument.assertError;
import static org.ccarm.e2e.OutDocument.assertOk;
import static org.ccarm.e2e.RunningServer.unholdXml;
import static org.ccarm.e2e.RunningServer.uniqueId;
import static org.ccarm.e2e.Sessions.LOGOUT_XML;
import static org.ccarm.e2e.Sessions.bodyOf;
import static org.ccarm.e2e.Sessions.frame;
import static org.ccarm.e2e.Sessions.json;
import static org.ccarm.e2e.Sessions.login;
import static org.ccarm.e2e.Sessions.loginXml;
import static org.ccarm.e2e.Sessions.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.xml.XmlPath;
import io.restassured.response.Response;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.ccarm.auth.PasswordHashing;
import org.ccarm.config.AuthConfig;
import org.ccarm.testing.Race;
import org.ccarm.testing.TestConfigs;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sessions and who may act (docs/protocol.md, "Sessions"), against the real server with
 * authentication required, over real sockets: login, use and logout on every transport;
 * 401, 403 not_permitted, 429 and forbidden_origin; the operator directory; the audit.
 */
class SessionsEndToEndTest {

    private static final String DESK = "https://desk.example.com";

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer(TestConfigs.config(Optional.of(RunningServer.TOKEN), "demo", "other")
            .withAuth(new AuthConfig(true, 1_800_000, 43_200_000, 5, 20, 60_000, List.of(DESK), List.of("127.0.0.1"))));

    @RegisterExtension
    static final AuditCapture AUDIT = new AuditCapture();

    private static WebSocketClient client;

    @BeforeAll
    static void operators() throws Exception {
        putOperator("demo", "1001", "demo-1001", false);
        putOperator("demo", "1002", "demo-1002", false);
        putOperator("demo", "1003", "demo-1003", false);
        putOperator("demo", "9001", "demo-9001", true);
        putOperator("other", "1001", "other-1001", false);
        client = new WebSocketClient();
        client.start();
    }

    @AfterAll
    static void stopClient() throws Exception {
        client.stop();
    }

    private static Response putOperator(String domain, String id, String password, boolean supervisor) {
        return SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN).contentType("application/json")
                .body("{\"password\": \"" + password + "\", \"supervisor\": " + supervisor + "}")
                .put("/admin/domains/" + domain + "/operators/" + id);
    }

    /** A login as a trusted proxy (127.0.0.1) forwards it for {@code client}. */
    private static Response fromAddress(String client, String xml) {
        return SERVER.request().header("X-Forwarded-For", client).contentType("application/xml").body(xml)
                .post("/demo/service/cc/arm/login");
    }

    private static Response withCookie(String token, String command, String xml) {
        return SERVER.request().cookie("ccarm_session", token).contentType("application/xml").body(xml)
                .post("/demo/service/cc/arm/" + command);
    }

    private static Response withBearer(String token, String command, String xml) {
        return SERVER.request().header("Authorization", "Bearer " + token).contentType("application/xml").body(xml)
                .post("/demo/service/cc/arm/" + command);
    }

    private static URI ws(String domain) {
        return URI.create("ws://" + SERVER.uri().getAuthority() + "/" + domain + "/service/cc/arm/ws");
    }

    // --- HTTP: login, use, logout -------------------------------------------------------------

    @Test
    void loginAnswersTheSessionAndItsCookieAndTheCookieServesUntilLogout() {
        Response login = SERVER.post("demo", "login", loginXml("1001", "demo-1001"));
        assertEquals(200, login.statusCode(), login.asString());
        XmlPath session = new XmlPath(login.asString()).setRootPath("out.response.ok.session");
        String token = session.getString("@token");
        assertTrue(token.length() >= 43, "at least 256 bits, base64url: " + token);
        assertEquals("1001", session.getString("@operator_id"));
        assertEquals("false", session.getString("@supervisor"));
        assertTrue(Instant.parse(session.getString("@expires")).isAfter(Instant.now().plusSeconds(11 * 3600)));
        assertEquals("ccarm_session=" + token + "; Path=/demo/; HttpOnly; SameSite=Strict", login.header("Set-Cookie"));
        assertEquals("no-store", login.header("Cache-Control"));

        String id = uniqueId("cookie");
        SERVER.add(heldBy("1001", "demo", id, "1001", "1002"));
        assertOk(withCookie(token, "call_unhold", unholdXml(id, null)), OK_UNHOLD);

        Response logout = withCookie(token, "logout", LOGOUT_XML);
        assertEquals(200, logout.statusCode(), logout.asString());
        assertEquals("ccarm_session=; Path=/demo/; Max-Age=0; HttpOnly; SameSite=Strict", logout.header("Set-Cookie"));

        SERVER.add(heldBy("1001", "demo", id, "1001", "1002"));
        Response after = withCookie(token, "call_unhold", unholdXml(id, null));
        assertError(after, 401, "call_unhold", "not_authenticated");
        assertTrue(SERVER.stored("demo", id).isOnHold(), "nothing changed");
    }

    @Test
    void theJsonFormLogsInAndABearerTokenServes() {
        Response login = SERVER.request().contentType("application/json").accept("application/json")
                .body(json("login", Map.of("operator_id", "1002", "password", "demo-1002")))
                .post("/demo/service/cc/arm/login");
        assertEquals(200, login.statusCode(), login.asString());
        assertTrue(login.asString().contains("\"_name\":\"session\""), login.asString());
        String token = login.asString().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
        String id = uniqueId("bearer");
        SERVER.add(heldBy("1002", "demo", id, "1001", "1002"));
        assertOk(withBearer(token, "call_unhold", unholdXml(id, "1002")), OK_UNHOLD);
        assertEquals(200, withBearer(token, "logout", LOGOUT_XML).statusCode());
        assertError(withBearer(token, "call_unhold", unholdXml(id, "1002")), 401, "call_unhold", "not_authenticated");
    }

    @Test
    void withoutASessionACommandIs401BeforeItsBodyIsRead() throws Exception {
        Response none = SERVER.post("demo", "call_unhold", unholdXml("whatever", null));
        assertError(none, 401, "call_unhold", "not_authenticated");
        assertEquals("Bearer realm=\"cc-arm-server\"", none.header("WWW-Authenticate"));
        // a declared body that never comes: the 401 does not wait for it
        try (Socket socket = new Socket(SERVER.uri().getHost(), SERVER.uri().getPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /demo/service/cc/arm/call_unhold HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\n"
                    + "Content-Length: 1000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = new byte[12];
            int read = in.readNBytes(head, 0, 12);
            assertEquals("HTTP/1.1 401", new String(head, 0, read, StandardCharsets.US_ASCII));
        }
        assertError(SERVER.request().header("Authorization", "Bearer not-a-token").contentType("application/xml")
                .body(unholdXml("x", null)).post("/demo/service/cc/arm/call_unhold"), 401, "call_unhold", "not_authenticated");
    }

    @Test
    void aSessionOfOneDomainIsNoSessionInAnother() {
        String token = login(SERVER, "other", "1001", "other-1001");
        assertError(withBearer(token, "call_unhold", unholdXml("x", null)), 401, "call_unhold", "not_authenticated");
    }

    // --- who may act ------------------------------------------------------------------------------

    @Test
    void anOperatorActsForItselfInItsOwnConversationsOnly() {
        String token = login(SERVER, "demo", "1001", "demo-1001");
        String mine = uniqueId("mine");
        SERVER.add(heldBy("1002", "demo", mine, "1001", "1002"));
        String detail = assertError(withBearer(token, "call_unhold", unholdXml(mine, "1002")), 403, "call_unhold",
                "not_permitted");
        assertTrue(detail.contains("supervisor"), detail);
        assertTrue(SERVER.stored("demo", mine).isOnHold());

        String others = uniqueId("others");
        SERVER.add(heldBy("1003", "demo", others, "1002", "1003"));
        String notMine = assertError(withBearer(token, "call_unhold", unholdXml(others, null)), 403, "call_unhold",
                "cannot_perform_cmd");
        String missing = assertError(withBearer(token, "call_unhold", unholdXml("no-such-" + others, null)), 403,
                "call_unhold", "cannot_perform_cmd");
        assertEquals(missing.replace("no-such-" + others, others), notMine, "another's call reads exactly like a missing one");

        // without operator_id, the operator who held it releases it, also when 1001 asks
        assertOk(withBearer(token, "call_unhold", unholdXml(mine, null)), OK_UNHOLD);
        assertFalse(SERVER.stored("demo", mine).isOnHold());
        assertTrue(AUDIT.awaitLine(line -> line.contains("conversation=" + mine) && line.contains("outcome=ok"))
                .contains("operator=1002 session=1001"), "the audit names the acting operator and the session's");
    }

    @Test
    void aSupervisorActsForAnyone() {
        String token = login(SERVER, "demo", "9001", "demo-9001");
        String id = uniqueId("supervised");
        SERVER.add(heldBy("1003", "demo", id, "1002", "1003"));
        assertOk(withBearer(token, "call_unhold", unholdXml(id, "1003")), OK_UNHOLD);
        assertTrue(AUDIT.awaitLine(line -> line.contains("conversation=" + id) && line.contains("outcome=ok"))
                .contains("operator=1003 session=9001"));
    }

    @Test
    void callHoldWithoutOperatorIdIsTheSessionsOperator() {
        String token = login(SERVER, "demo", "1002", "demo-1002");
        String id = uniqueId("hold-mine");
        SERVER.add(free("demo", id, "1001", "1002"));
        assertEquals(200, withBearer(token, "call_hold", RunningServer.holdXml(id, null)).statusCode());
        assertEquals("1002", SERVER.stored("demo", id).hold().orElseThrow().heldBy());
    }

    // --- logins that fail ---------------------------------------------------------------------

    @Test
    void anUnknownOperatorAndAWrongPasswordGetTheSameAnswerInTheSameTime() {
        List<Long> unknown = new ArrayList<>();
        List<Long> wrong = new ArrayList<>();
        String unknownBody = null;
        String wrongBody = null;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            Response r1 = SERVER.request().header("X-Forwarded-For", "ignored").contentType("application/xml")
                    .body(loginXml("5555", "demo-1003")).post("/demo/service/cc/arm/login");
            unknown.add(System.nanoTime() - start);
            start = System.nanoTime();
            Response r2 = SERVER.post("demo", "login", loginXml("1003", "not-the-password"));
            wrong.add(System.nanoTime() - start);
            assertError(r1, 401, "login", "invalid_credentials");
            assertError(r2, 401, "login", "invalid_credentials");
            unknownBody = r1.asString();
            wrongBody = r2.asString();
        }
        assertEquals(wrongBody, unknownBody, "nothing tells an unknown operator from a wrong password");
        // an unknown operator pays for a hash check too (a dummy one). Only a lower bound is
        // asserted, against the same check made here: load makes both slower, never the answer
        // faster, so a loaded machine cannot fail it (a ratio of two medians once did)
        long check = Long.MAX_VALUE;
        try (PasswordHashing hashing = new PasswordHashing(1)) {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                hashing.verify("not-the-password", null).join();
                check = Math.min(check, System.nanoTime() - start);
            }
        }
        assertTrue(Collections.min(unknown) > check / 4, "unknown " + unknown + " vs one check " + check + " ns");
        assertTrue(Collections.min(wrong) > check / 4, "wrong " + wrong + " vs one check " + check + " ns");
    }

    @Test
    void repeatedFailuresAre429WithRetryAfterEvenForTheRightPassword() {
        putOperator("demo", "1004", "demo-1004", false);
        for (int i = 0; i < 5; i++) {
            assertError(fromAddress("192.0.2.4", loginXml("1004", "guess-" + i)), 401, "login", "invalid_credentials");
        }
        assertEquals(200, fromAddress("192.0.2.5", loginXml("1004", "demo-1004")).statusCode(),
                "from another address (behind the trusted proxy) the operator is not locked out");
        Response throttled = fromAddress("192.0.2.4", loginXml("1004", "demo-1004"));
        assertError(throttled, 429, "login", "too_many_attempts");
        long retryAfter = Long.parseLong(throttled.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertTrue(AUDIT.awaitLine(line -> line.contains("cmd=login") && line.contains("outcome=too_many_attempts"))
                .contains("operator=1004"));
    }

    /**
     * Guesses sent in parallel are capped as surely as guesses sent one by one: the checks
     * in flight for an operator from an address never exceed its failures left, the excess
     * is 503 logins_busy, and over the whole window exactly the 5 allowed are ever checked.
     */
    @Test
    void guessesSentInParallelAreThrottledAsSurelyAsOneByOne() throws Exception {
        putOperator("demo", "1005", "demo-1005", false);
        List<Integer> statuses = new ArrayList<>(
                Race.run(30, i -> () -> fromAddress("192.0.2.6", loginXml("1005", "guess-" + i)).statusCode()));
        assertTrue(statuses.stream().allMatch(s -> s == 401 || s == 429 || s == 503), statuses.toString());
        // one by one after the race, until the window's limit answers
        for (int i = 0; i < 10 && !statuses.contains(429); i++) {
            statuses.add(fromAddress("192.0.2.6", loginXml("1005", "late-guess-" + i)).statusCode());
        }
        assertEquals(5, statuses.stream().filter(s -> s == 401).count(), "exactly 5 guesses checked: " + statuses);
        assertError(fromAddress("192.0.2.6", loginXml("1005", "demo-1005")), 429, "login", "too_many_attempts");
    }

    /**
     * A shift start behind one address: every correct login succeeds however many arrive at
     * once. (An attempt once counted as a failure while its hash was checked: of 40, 20 got 429.)
     */
    @Test
    void aBurstOfCorrectLoginsFromOneAddressAllSucceed() throws Exception {
        List<String> shift = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            shift.add("31" + String.format("%02d", i));
        }
        for (String id : shift) {
            assertTrue(putOperator("demo", id, "shift-" + id, false).statusCode() < 300);
        }
        List<Integer> statuses = Race.run(shift.size(),
                i -> () -> fromAddress("192.0.2.40", loginXml(shift.get(i), "shift-" + shift.get(i))).statusCode());
        // a loaded machine may answer some 503 logins_busy (the hashing pool is small on purpose): never 401 or 429
        assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 503), statuses.toString());
        for (int i = 0; i < shift.size(); i++) {
            if (statuses.get(i) == 503) {
                assertEquals(200, fromAddress("192.0.2.40", loginXml(shift.get(i), "shift-" + shift.get(i))).statusCode(),
                        "busy counted nothing: the same login again succeeds");
            }
        }
        for (int i = 0; i < 5; i++) {
            assertError(fromAddress("192.0.2.40", loginXml(shift.get(0), "a-typo-" + i)), 401, "login", "invalid_credentials");
        }
        assertError(fromAddress("192.0.2.40", loginXml(shift.get(0), "shift-" + shift.get(0))), 429, "login",
                "too_many_attempts"); // the failures still count
    }

    @Test
    void twoLiveSessionsOrTwoBearersInOneRequestAreRefusedNotChosenBetween() {
        String first = login(SERVER, "demo", "1001", "demo-1001");
        String second = login(SERVER, "demo", "1002", "demo-1002");
        Response cookies = SERVER.request().header("Cookie", "ccarm_session=" + first + "; ccarm_session=" + second)
                .contentType("application/xml").body(unholdXml("x", null)).post("/demo/service/cc/arm/call_unhold");
        assertError(cookies, 400, "call_unhold", "bad_request");
        Response bearers = SERVER.request().header("Authorization", "Bearer " + first).header("Authorization", "Bearer " + second)
                .contentType("application/xml").body(unholdXml("x", null)).post("/demo/service/cc/arm/call_unhold");
        assertError(bearers, 400, "call_unhold", "bad_request");
        String five = "ccarm_session=a; ccarm_session=b; ccarm_session=c; ccarm_session=d; ccarm_session=" + first;
        assertError(SERVER.request().header("Cookie", five).contentType("application/xml").body(unholdXml("x", null))
                .post("/demo/service/cc/arm/call_unhold"), 400, "call_unhold", "bad_request");
    }

    /**
     * A sibling service on the same host name plants a {@code ccarm_session} of its own
     * ({@code Path=/}): the browser then sends two. The one live session of the domain is
     * used, for commands, the event stream and the websocket; logging in works and sets a
     * fresh cookie. (Two cookies once made login, logout and the event stream 400 with no
     * way out, and the websocket opened without a session.)
     */
    @Test
    void aPlantedSecondCookieIsPassedOverForTheOneLiveSession() throws Exception {
        String planted = "ccarm_session=planted-by-a-sibling-site";
        Response loggedIn = SERVER.request().header("Cookie", planted).contentType("application/xml")
                .body(loginXml("1003", "demo-1003")).post("/demo/service/cc/arm/login");
        assertEquals(200, loggedIn.statusCode(), loggedIn.asString());
        String token = new XmlPath(loggedIn.asString()).getString("out.response.ok.session.@token");
        assertTrue(loggedIn.header("Set-Cookie").startsWith("ccarm_session=" + token + "; Path=/demo/"));
        String both = planted + "; ccarm_session=" + token;
        String id = uniqueId("planted");
        SERVER.add(heldBy("1003", "demo", id, "1003"));
        assertOk(SERVER.request().header("Cookie", both).contentType("application/xml").body(unholdXml(id, null))
                .post("/demo/service/cc/arm/call_unhold"), OK_UNHOLD);
        try (FrameClient frames = FrameClient.connect(client, ws("demo"), Map.of("Cookie", both))) {
            frames.send(frame("0001", "call_hold", Sessions.json("call_hold", Map.of("conversation_id", id))));
            assertEquals(200, status(frames.receive()), "the websocket acts in the live session");
        }
        assertEquals(200, SERVER.request().header("Cookie", both).contentType("application/xml").body(LOGOUT_XML)
                .post("/demo/service/cc/arm/logout").statusCode());
        assertError(withBearer(token, "call_unhold", unholdXml(id, null)), 401, "call_unhold", "not_authenticated");
    }

    @Test
    void aWebsocketUpgradeReadsCredentialsAsEveryRequestDoes() throws Exception {
        String first = login(SERVER, "demo", "1001", "demo-1001");
        try (RawClient raw = RawClient.connect(SERVER.uri())) { // two Authorization headers: the upgrade once took the first
            String answer = raw.send("GET /demo/service/cc/arm/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Authorization: Bearer " + first + "\r\nAuthorization: Bearer " + first + "\r\n\r\n").readResponse();
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        }
        ExecutionException dead = assertThrows(ExecutionException.class, () -> FrameClient.connect(client, ws("demo"),
                Map.of("Cookie", "ccarm_session=dead-1; ccarm_session=dead-2")));
        assertTrue(String.valueOf(dead.getCause()).contains("401"), String.valueOf(dead.getCause()));
    }

    /**
     * Behind a TLS proxy listed in {@code http.trusted-proxies}: the request is secure (the
     * cookie gets Secure), its origin is the public one the proxy forwarded, and failed
     * logins are counted by the address the proxy added, not by one the client wrote.
     */
    @Test
    void behindATrustedTlsProxyTheCookieIsSecureTheOriginIsThePublicOneAndTheClientIsWhoTheProxySaw() {
        Response login = SERVER.request().header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "desk.example.org")
                .header("X-Forwarded-For", "198.51.100.7").contentType("application/xml")
                .body(loginXml("1002", "demo-1002")).post("/demo/service/cc/arm/login");
        assertEquals(200, login.statusCode(), login.asString());
        assertTrue(login.header("Set-Cookie").endsWith("; Secure"), login.header("Set-Cookie"));
        String token = new XmlPath(login.asString()).getString("out.response.ok.session.@token");
        String id = uniqueId("proxied");
        SERVER.add(heldBy("1002", "demo", id, "1002"));
        assertOk(SERVER.request().cookie("ccarm_session", token).header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "desk.example.org").header("Origin", "https://desk.example.org")
                .contentType("application/xml").body(unholdXml(id, null)).post("/demo/service/cc/arm/call_unhold"), OK_UNHOLD);
        // a client that writes its own X-Forwarded-For to the proxy (which appends the address it saw) cannot pick
        // the address its failures count against
        for (int i = 0; i < 5; i++) {
            assertEquals(401, SERVER.request().header("X-Forwarded-For", "203.0.113." + i + ", 198.51.100.9")
                    .contentType("application/xml").body(loginXml("1002", "guess-" + i)).post("/demo/service/cc/arm/login")
                    .statusCode());
        }
        assertError(SERVER.request().header("X-Forwarded-For", "203.0.113.99, 198.51.100.9").contentType("application/xml")
                .body(loginXml("1002", "demo-1002")).post("/demo/service/cc/arm/login"), 429, "login", "too_many_attempts");
    }

    // --- cross-site ---------------------------------------------------------------------------

    @Test
    void aCookieCallFromAnotherSiteIsForbiddenAndFromAnAllowedOneServedWithCors() {
        String token = login(SERVER, "demo", "1001", "demo-1001");
        String id = uniqueId("origin");
        SERVER.add(heldBy("1001", "demo", id, "1001"));
        Response evil = SERVER.request().cookie("ccarm_session", token).header("Origin", "https://evil.example")
                .contentType("application/xml").body(unholdXml(id, null)).post("/demo/service/cc/arm/call_unhold");
        assertError(evil, 403, "call_unhold", "forbidden_origin");
        assertNull(evil.header("Access-Control-Allow-Origin"), "no CORS for an origin not listed");
        assertTrue(SERVER.stored("demo", id).isOnHold());

        Response own = SERVER.request().cookie("ccarm_session", token)
                .header("Origin", "http://" + SERVER.uri().getAuthority())
                .contentType("application/xml").body(unholdXml(id, null)).post("/demo/service/cc/arm/call_unhold");
        assertOk(own, OK_UNHOLD);

        SERVER.add(heldBy("1001", "demo", id, "1001"));
        Response desk = SERVER.request().cookie("ccarm_session", token).header("Origin", DESK)
                .contentType("application/xml").body(unholdXml(id, null)).post("/demo/service/cc/arm/call_unhold");
        assertOk(desk, OK_UNHOLD);
        assertEquals(DESK, desk.header("Access-Control-Allow-Origin"));
        assertEquals("true", desk.header("Access-Control-Allow-Credentials"));

        Response preflight = SERVER.request().header("Origin", DESK).header("Access-Control-Request-Method", "POST")
                .options("/demo/service/cc/arm/call_unhold");
        assertEquals(204, preflight.statusCode());
        assertEquals("POST", preflight.header("Access-Control-Allow-Methods"));
        assertTrue(preflight.header("Access-Control-Allow-Headers").contains("Authorization"));
        assertEquals(405, SERVER.request().header("Origin", "https://evil.example")
                .options("/demo/service/cc/arm/call_unhold").statusCode(), "no preflight for others");
    }

    @Test
    void aBearerCallIsExemptFromTheOriginRule() {
        String token = login(SERVER, "demo", "1001", "demo-1001");
        String id = uniqueId("bearer-origin");
        SERVER.add(heldBy("1001", "demo", id, "1001"));
        assertOk(SERVER.request().header("Authorization", "Bearer " + token).header("Origin", "https://evil.example")
                .contentType("application/xml").body(unholdXml(id, null)).post("/demo/service/cc/arm/call_unhold"), OK_UNHOLD);
    }

    @Test
    void aCookieCallMustNameItsMediaType() {
        String token = login(SERVER, "demo", "1001", "demo-1001");
        String id = uniqueId("no-type");
        SERVER.add(heldBy("1001", "demo", id, "1001"));
        Response response = SERVER.request().cookie("ccarm_session", token).body(unholdXml(id, null))
                .post("/demo/service/cc/arm/call_unhold");
        assertError(response, 415, "call_unhold", "unsupported_media_type");
        assertTrue(SERVER.stored("demo", id).isOnHold());
    }

    // --- the websocket --------------------------------------------------------------------------

    @Test
    void aWebsocketLogsInWithAFrameActsAndLogsOut() throws Exception {
        String id = uniqueId("ws-login");
        SERVER.add(heldBy("1003", "demo", id, "1003"));
        try (FrameClient frames = FrameClient.connect(client, ws("demo"))) {
            frames.send(frame("0001", "call_unhold", JsonFormEndToEndTest.unholdJson(id)));
            assertEquals(401, status(frames.receive()));
            frames.send(frame("0002", "login", json("login", Map.of("operator_id", "1003", "password", "demo-1003"))));
            String loggedIn = frames.receive();
            assertEquals(200, status(loggedIn), loggedIn);
            assertTrue(bodyOf(loggedIn).contains("\"operator_id\":\"1003\""), loggedIn);
            frames.send(frame("0003", "call_unhold", JsonFormEndToEndTest.unholdJson(id)));
            assertEquals(200, status(frames.receive()));
            assertFalse(SERVER.stored("demo", id).isOnHold());
            frames.send(frame("0004", "logout", json("logout", Map.of())));
            assertEquals(200, status(frames.receive()));
            frames.send(frame("0005", "call_unhold", JsonFormEndToEndTest.unholdJson(id)));
            assertEquals(401, status(frames.receive()), "after logout the connection acts in no session");
        }
    }

    @Test
    void aWebsocketUpgradesWithABearerOrTheCookieAndClosesWith1008WhenTheSessionEnds() throws Exception {
        String token = login(SERVER, "demo", "1001", "demo-1001");
        String id = uniqueId("ws-bearer");
        SERVER.add(heldBy("1001", "demo", id, "1001"));
        try (FrameClient bearer = FrameClient.connect(client, ws("demo"), Map.of("Authorization", "Bearer " + token));
             FrameClient cookie = FrameClient.connect(client, ws("demo"), Map.of("Cookie", "ccarm_session=" + token))) {
            bearer.send(frame("0001", "call_unhold", JsonFormEndToEndTest.unholdJson(id)));
            assertEquals(200, status(bearer.receive()));
            // logout over HTTP: both connections acting in that session close at once
            assertEquals(200, withBearer(token, "logout", LOGOUT_XML).statusCode());
            assertEquals(StatusCode.POLICY_VIOLATION, bearer.awaitClose());
            assertEquals(StatusCode.POLICY_VIOLATION, cookie.awaitClose());
        }
        ExecutionException dead = assertThrows(ExecutionException.class,
                () -> FrameClient.connect(client, ws("demo"), Map.of("Authorization", "Bearer " + token)));
        assertTrue(String.valueOf(dead.getCause()).contains("401"), String.valueOf(dead.getCause()));
    }

    @Test
    void aCrossOriginWebsocketUpgradeIsRefused() {
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> FrameClient.connect(client, ws("demo"), Map.of("Origin", "https://evil.example")));
        assertTrue(String.valueOf(refused.getCause()).contains("403"), String.valueOf(refused.getCause()));
    }

    // --- the operator directory ---------------------------------------------------------------

    @Test
    void theDirectoryNeverShowsAPasswordAndDeletingAnOperatorEndsItsSessions() throws Exception {
        Response created = putOperator("demo", "2001", "first-password", false);
        assertEquals(201, created.statusCode(), created.asString());
        assertEquals("{\"id\":\"2001\",\"domain\":\"demo\",\"supervisor\":false}", created.asString());
        Response read = SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN)
                .get("/admin/domains/demo/operators/2001");
        assertEquals(200, read.statusCode());
        assertFalse(read.asString().contains("password") || read.asString().contains("argon"), read.asString());
        assertEquals(400, putOperator("demo", "2001", "short", false).statusCode(), "too short a password");

        String token = login(SERVER, "demo", "2001", "first-password");
        try (FrameClient frames = FrameClient.connect(client, ws("demo"), Map.of("Authorization", "Bearer " + token))) {
            assertEquals(204, SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN)
                    .delete("/admin/domains/demo/operators/2001").statusCode());
            assertEquals(StatusCode.POLICY_VIOLATION, frames.awaitClose());
        }
        assertError(withBearer(token, "call_unhold", unholdXml("x", null)), 401, "call_unhold", "not_authenticated");
        assertError(SERVER.post("demo", "login", loginXml("2001", "first-password")), 401, "login", "invalid_credentials");
        assertNotNull(AUDIT.awaitLine(line -> line.contains("cmd=operator_delete") && line.contains("operator=2001")));
    }

    /** Ids and passwords the directory once took: a space, a bidi control, a path parameter, lone surrogates, NUL. */
    @ParameterizedTest
    @ValueSource(strings = {"%20", "a%20b", "1001%E2%80%AE", "x65", "caf%C3%A9"})
    void anOperatorIdOutsideItsAlphabetIsRefused(String id) {
        String named = id.equals("x65") ? "x".repeat(65) : id;
        Response refused = SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN)
                .contentType("application/json").urlEncodingEnabled(false).body("{\"password\": \"a-fine-password\"}")
                .put("/admin/domains/demo/operators/" + named);
        assertEquals(400, refused.statusCode(), refused.asString());
        assertTrue(refused.asString().contains("invalid_operator"), refused.asString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800", "password\\u0000nul",
            "pass\\nword-with-a-line-break", "tab\\tin-the-password"})
    void aPasswordThatIsNotPlainUnicodeTextIsRefusedAndTheOperatorStaysAsItWas(String jsonPassword) {
        assertTrue(putOperator("demo", "2002", "the-first-password", false).statusCode() < 300);
        Response refused = SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN)
                .contentType("application/json").body("{\"password\": \"" + jsonPassword + "\"}")
                .put("/admin/domains/demo/operators/2002");
        assertEquals(400, refused.statusCode(), refused.asString());
        assertEquals(200, SERVER.post("demo", "login", loginXml("2002", "the-first-password")).statusCode(),
                "the old password still opens a session");
        assertEquals(401, SERVER.post("demo", "login", loginXml("2002", "????????")).statusCode());
    }

    /** Jetty strips path parameters before routing: PUT .../operators/1001;x replaced operator 1001. */
    @Test
    void aPathParameterIsRefusedNotStrippedAndTheOperatorStaysAsItWas() {
        assertTrue(putOperator("demo", "2003", "the-first-password", false).statusCode() < 300);
        Response refused = SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN)
                .contentType("application/json").urlEncodingEnabled(false).body("{\"password\": \"another-password\"}")
                .put("/admin/domains/demo/operators/2003;x");
        assertEquals(400, refused.statusCode(), refused.asString());
        assertEquals(200, SERVER.post("demo", "login", loginXml("2003", "the-first-password")).statusCode());
        assertEquals(400, SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN).urlEncodingEnabled(false)
                .delete("/admin/domains/demo/conversations/c;x").statusCode(), "the same for a conversation");
    }

    /**
     * What the audit trail keeps with authentication required: calls refused before any
     * session (the flood a stranger can send) are counted and logged at a bounded rate, not
     * audited; failed logins and every call made in a session are audited. Ten seconds of
     * unauthenticated requests once pushed the one real change out of the kept files.
     */
    @Test
    void refusalsBeforeAnySessionAreCountedNotAuditedAndLoginsAndSessionCallsAre() throws Exception {
        String metric = "ccarm_commands_total{command=\"call_unhold\",domain=\"demo\",status=\"401\",transport=\"http\"}";
        double before = sample(metric);
        for (int i = 0; i < 50; i++) {
            assertEquals(401, SERVER.post("demo", "call_unhold", unholdXml("c-" + i, null)).statusCode());
        }
        assertEquals(404, SERVER.post("nowhere", "call_unhold", unholdXml("x", null)).statusCode());
        assertEquals(404, SERVER.post("demo", "call_transfer", unholdXml("x", null)).statusCode());
        assertEquals(405, SERVER.request().get("/demo/service/cc/arm/call_unhold").statusCode());
        assertEquals(400, SERVER.post("demo", "login", "<in>").statusCode(), "a login that is no login");
        assertEquals(before + 50, sample(metric), 0.0, "counted all the same");
        assertEquals(401, SERVER.post("demo", "login", loginXml("1001", "not-it")).statusCode());
        String token = login(SERVER, "demo", "1003", "demo-1003");
        assertEquals(403, withBearer(token, "call_unhold", unholdXml("none-" + uniqueId("x"), null)).statusCode());
        AUDIT.awaitLine(line -> line.contains("cmd=call_unhold") && line.contains("session=1003"));
        List<String> lines = AUDIT.lines();
        assertTrue(lines.stream().noneMatch(line -> line.contains("outcome=not_authenticated") || line.contains("domain=nowhere")
                || line.contains("unknown_command") || line.contains("method_not_allowed") || line.contains("malformed_xml")),
                lines.toString());
        assertTrue(lines.stream().anyMatch(line -> line.contains("cmd=login") && line.contains("outcome=invalid_credentials")),
                lines.toString());
        assertTrue(lines.stream().anyMatch(line -> line.contains("cmd=login") && line.contains("outcome=ok")), lines.toString());
    }

    private static double sample(String series) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(series) + " (\\S+)$")
                .matcher(io.restassured.RestAssured.get(SERVER.opsUri() + "metrics").asString());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
