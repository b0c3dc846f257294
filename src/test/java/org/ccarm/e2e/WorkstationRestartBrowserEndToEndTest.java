package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.RestAssured;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.ccarm.CcArmServer;
import org.ccarm.config.AuthConfig;
import org.ccarm.config.ServerConfig;
import org.ccarm.config.StoreConfig;
import org.ccarm.store.ConversationStore;
import org.ccarm.testing.Browser;
import org.ccarm.testing.RedisServer;
import org.ccarm.testing.TestConfigs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/**
 * The workstation through the server's restart and its store's trouble, in a real headless
 * Chromium: on Redis the page shows Reconnecting, then Live with the list as it now is
 * (a change made while the server was down included) and no login; on the in-memory store
 * the sessions die with the server and the page returns to its login form with a message;
 * a Redis that stops answering turns a click into a refusal shown in the row, the button
 * disabled while the command is in flight.
 */
class WorkstationRestartBrowserEndToEndTest {

    private static final Duration BACK = Duration.ofSeconds(20);

    @BeforeAll
    static void chromium() {
        Browser.assumeInstalled();
    }

    /** The demo's operators and the feed, on a port of our choosing (a restart comes back on it). */
    private static ServerConfig config(int port, StoreConfig store) {
        ServerConfig base = TestConfigs.withDemoOperators(TestConfigs.config(Optional.of(RunningServer.TOKEN), "demo"))
                .withAuth(AuthConfig.REQUIRED).withStore(store);
        return new ServerConfig(base.httpHost(), port, base.adminToken(), base.limits(), base.audit(),
                base.store(), base.ops(), base.domains(), base.auth(), base.tls(), base.sip());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void onRedisARestartShowsReconnectingThenLiveWithTheListAsItIsNow() throws Exception {
        try (RedisServer redis = RedisServer.start(); Browser browser = Browser.open()) {
            StoreConfig store = new StoreConfig("redis", redis.url(), 1_000, "workstation-e2e", 0);
            ServerConfig config = config(freePort(), store);
            CcArmServer server = CcArmServer.start(config);
            String kept = RunningServer.uniqueId("kept");
            String heldMeanwhile = RunningServer.uniqueId("held-meanwhile");
            feed(server, kept, List.of("1001"));
            feed(server, heldMeanwhile, List.of("1001"));
            WorkstationPage page = new WorkstationPage(browser).open(server.uri(), "demo");
            page.logInAndWait("1001", "demo-1001");
            page.awaitRow(heldMeanwhile, "Talking", "listed before the restart");

            // Redis stops answering: a click is in flight until the store's timeout, then refused in its row
            redis.freeze();
            try {
                WebElement hold = page.actionButton(page.row(kept));
                hold.click();
                browser.await(d -> page.inFlight(page.row(kept)), "the button is disabled in flight");
                browser.await(d -> page.refusal(page.row(kept)).contains("store_unavailable"),
                        "the store's refusal is in the row");
                assertFalse(page.inFlight(page.row(kept)), "the button is back once answered");
                browser.screenshot("refused-store-unavailable");
            } finally {
                redis.thaw();
            }

            server.close();
            browser.await(d -> "Reconnecting".equals(page.connection()), "the page says it lost the server");
            try (ConversationStore direct = CcArmServer.openStore(store)) {
                direct.put(heldBy("1002", "demo", heldMeanwhile, "1001", "1002")); // the switch, while no server runs
            }
            server = CcArmServer.start(config);
            try {
                long live = browser.await(d -> "Live".equals(page.connection()), BACK, "Live again after the restart");
                page.awaitRow(heldMeanwhile, "On hold (1002)", "the change made meanwhile is shown");
                assertTrue(page.shows(kept));
                assertFalse(page.loginShown(), "the session lives in Redis: no login");
                System.out.printf("workstation: Live again %d ms after the restart on Redis%n", live);
            } finally {
                server.close();
            }
        }
    }

    @Test
    void onTheInMemoryStoreARestartReturnsToTheLoginFormWithAMessage() throws Exception {
        try (Browser browser = Browser.open()) {
            ServerConfig config = config(freePort(), StoreConfig.MEMORY);
            CcArmServer server = CcArmServer.start(config);
            WorkstationPage page = new WorkstationPage(browser).open(server.uri(), "demo");
            try {
                page.logInAndWait("1001", "demo-1001");
            } finally {
                server.close();
            }
            browser.await(d -> "Reconnecting".equals(page.connection()), "the page says it lost the server");
            server = CcArmServer.start(config);
            try {
                long back = browser.await(d -> page.loginShown(), BACK, "the login form, the session having died");
                assertTrue(page.loginMessage().contains("session has ended"), page.loginMessage());
                System.out.printf("workstation: at the login form %d ms after an in-memory restart%n", back);
                page.logInAndWait("1001", "demo-1001");
            } finally {
                server.close();
            }
        }
    }

    /** Creates a conversation through the switch feed of a server started here. */
    private static void feed(CcArmServer server, String id, List<String> operators) {
        int status = RestAssured.given().baseUri(server.uri().toString())
                .header("Authorization", "Bearer " + RunningServer.TOKEN).contentType("application/json")
                .body("{\"operators\": [\"" + String.join("\", \"", operators) + "\"]}")
                .put("/admin/domains/demo/conversations/" + id).statusCode();
        assertEquals(201, status);
    }
}
