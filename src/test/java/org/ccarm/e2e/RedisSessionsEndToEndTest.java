package org.ccarm.e2e;

import static io.restassured.RestAssured.given;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.ccarm.e2e.RunningServer.unholdXml;
import static org.ccarm.e2e.Sessions.LOGOUT_XML;
import static org.ccarm.e2e.Sessions.loginXml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.xml.XmlPath;
import io.restassured.response.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ccarm.CcArmServer;
import org.ccarm.config.AuthConfig;
import org.ccarm.config.ServerConfig;
import org.ccarm.config.StoreConfig;
import org.ccarm.store.ConversationStore;
import org.ccarm.testing.RedisServer;
import org.ccarm.testing.TestConfigs;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sessions shared through Redis, over real sockets: a token from a login on instance A
 * serves on instance B, a logout on B kills it on both, and a websocket held on A closes
 * (1008) within a second of that logout.
 */
class RedisSessionsEndToEndTest {

    private static final RestAssuredConfig AS_WRITTEN = RestAssuredConfig.config()
            .encoderConfig(EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false));

    private static RedisServer redis;
    private static CcArmServer a;
    private static CcArmServer b;
    private static ConversationStore direct;
    private static WebSocketClient client;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        StoreConfig store = new StoreConfig("redis", redis.url(), 1_000, "sessions-e2e", 0);
        ServerConfig config = TestConfigs.config(Optional.of(RunningServer.TOKEN), "demo").withStore(store)
                .withAuth(AuthConfig.REQUIRED);
        a = CcArmServer.start(config);
        b = CcArmServer.start(config);
        direct = CcArmServer.openStore(store);
        client = new WebSocketClient();
        client.start();
        Response created = given().baseUri(a.uri().toString()).header("Authorization", "Bearer " + RunningServer.TOKEN)
                .contentType("application/json").body("{\"password\": \"demo-1001\"}").put("/admin/domains/demo/operators/1001");
        assertEquals(201, created.statusCode(), created.asString());
    }

    @AfterAll
    static void stop() throws Exception {
        client.stop();
        a.close();
        b.close();
        direct.close();
        redis.close();
    }

    private static Response post(CcArmServer server, String token, String command, String xml) {
        var request = given().config(AS_WRITTEN).baseUri(server.uri().toString()).contentType("application/xml").body(xml);
        if (token != null) {
            request = request.header("Authorization", "Bearer " + token);
        }
        return request.post("/demo/service/cc/arm/" + command);
    }

    /**
     * Pings count as use of the connection's session, but at most once a second: one socket
     * sent 631,000 pings in 8 s and each was a Redis command that everyone else waited behind.
     */
    @Test
    void aFloodOfPingsIsAFewSessionTouchesNotACommandEach() throws Exception {
        Response login = post(a, null, "login", loginXml("1001", "demo-1001"));
        String token = new XmlPath(login.asString()).getString("out.response.ok.session.@token");
        URI wsA = URI.create("ws://" + a.uri().getAuthority() + "/demo/service/cc/arm/ws");
        io.lettuce.core.RedisClient probe = io.lettuce.core.RedisClient.create(redis.url());
        try (FrameClient onA = FrameClient.connect(client, wsA, Map.of("Authorization", "Bearer " + token));
             var connection = probe.connect()) {
            long before = commandsProcessed(connection.sync());
            long start = System.nanoTime();
            onA.pings(2_000);
            onA.ping(); // answered after every ping before it
            long seconds = Math.max(1, (System.nanoTime() - start) / 1_000_000_000L + 1);
            long commands = commandsProcessed(connection.sync()) - before;
            System.out.printf("2,000 pings in %d s made %d Redis commands (the instances' own included)%n", seconds, commands);
            // a touch a second at most, plus what both instances do by themselves meanwhile (the event tail's
            // reads, the housekeeping's checks): far from one per ping
            assertTrue(commands < 100 + 20 * seconds, commands + " Redis commands for 2,000 pings");
            assertTrue(onA.isOpen());
        } finally {
            probe.shutdown();
        }
    }

    /**
     * Logins answered 503 while Redis does not answer count nothing: once Redis is back, the
     * right password opens a session (once such attempts were counted when Redis came back,
     * and the right password got 429).
     */
    @Test
    void loginsAnsweredWhileRedisIsFrozenCountNothingOnceItIsBack() throws Exception {
        redis.freeze();
        List<Integer> statuses;
        try {
            statuses = org.ccarm.testing.Race.run(8, i -> () -> post(a, null, "login", loginXml("1001", "demo-1001")).statusCode());
        } finally {
            redis.thaw();
        }
        assertEquals(java.util.Collections.nCopies(8, 503), statuses);
        Response login = post(a, null, "login", loginXml("1001", "demo-1001"));
        assertEquals(200, login.statusCode(), login.asString());
    }

    private static long commandsProcessed(io.lettuce.core.api.sync.RedisCommands<String, String> redis) {
        for (String line : redis.info("stats").split("\r?\n")) {
            if (line.startsWith("total_commands_processed:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new AssertionError("no total_commands_processed in INFO stats");
    }

    @Test
    void aTokenFromOneInstanceServesOnTheOtherAndALogoutEndsItOnBoth() throws Exception {
        Response login = post(a, null, "login", loginXml("1001", "demo-1001"));
        assertEquals(200, login.statusCode(), login.asString());
        String token = new XmlPath(login.asString()).getString("out.response.ok.session.@token");
        direct.put(heldBy("1001", "demo", "shared-session", "1001"));
        assertEquals(200, post(b, token, "call_unhold", unholdXml("shared-session", null)).statusCode(),
                "the session opened on A serves on B");

        URI wsA = URI.create("ws://" + a.uri().getAuthority() + "/demo/service/cc/arm/ws");
        try (FrameClient onA = FrameClient.connect(client, wsA, Map.of("Authorization", "Bearer " + token))) {
            long start = System.nanoTime();
            assertEquals(200, post(b, token, "logout", LOGOUT_XML).statusCode());
            assertEquals(StatusCode.POLICY_VIOLATION, onA.awaitClose(), "A hears of B's logout and closes the websocket");
            // the close within FrameClient's wait is the test; how soon is printed, not bounded (a loaded machine varies)
            System.out.printf("closed %d ms after the logout on the other instance%n", (System.nanoTime() - start) / 1_000_000);
        }
        direct.put(heldBy("1001", "demo", "shared-session", "1001"));
        OutDocument.assertError(post(a, token, "call_unhold", unholdXml("shared-session", null)), 401, "call_unhold",
                "not_authenticated");
        OutDocument.assertError(post(b, token, "call_unhold", unholdXml("shared-session", null)), 401, "call_unhold",
                "not_authenticated");
    }
}
