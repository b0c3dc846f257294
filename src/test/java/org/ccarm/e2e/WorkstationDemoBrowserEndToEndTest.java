package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ccarm.config.ConfigLoader;
import org.ccarm.config.ServerConfig;
import org.ccarm.testing.Browser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's promise, in a real headless Chromium: the shipped configuration (on free
 * ports), the page at the URL the server prints, operator 1001 logging in with the demo's
 * password, holding and resuming the demo conversations; the supervisor's grouped view of
 * the same. Its screenshots are those the README shows ({@code docs/workstation-*.png},
 * copied from {@code target/screenshots}).
 */
class WorkstationDemoBrowserEndToEndTest {

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer(shipped());

    private static ServerConfig shipped() {
        try {
            return ConfigLoader.load(Path.of("config", "server.properties"),
                    Map.of("CCARM_HTTP_PORT", "0", "CCARM_SIP_PORT", "0", "CCARM_OPS_PORT", "0"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void chromium() {
        Browser.assumeInstalled();
    }

    @Test
    void operator1001HoldsAndResumesTheDemoConversations() {
        try (Browser browser = Browser.open()) {
            WorkstationPage page = new WorkstationPage(browser);
            browser.get(SERVER.uri().toString()); // GET / leads to the demo's workstation
            browser.await(d -> page.loginShown(), "the login form");
            assertTrue(browser.driver().getCurrentUrl().endsWith("/demo/workstation/"), browser.driver().getCurrentUrl());
            browser.screenshot("demo-login");
            page.logInAndWait("1001", "demo-1001");
            page.awaitRow("0647e098a4b48b05", "Resume", "the vendor's example conversation, held by 1001");
            page.awaitRow("0647e098a4b48b06", "Hold", "the second demo conversation, talking");
            assertFalse(page.shows("0647e098a4b48b07"), "1003's alone is not 1001's");
            assertTrue(page.timer(page.row("0647e098a4b48b05")).matches("\\d+:\\d\\d:\\d\\d"),
                    "held since the fixture's instant, days ago: h:mm:ss");
            browser.screenshot("demo-operator");

            page.actionButton(page.row("0647e098a4b48b05")).click();
            page.awaitRow("0647e098a4b48b05", "Talking", "resumed");
            page.actionButton(page.row("0647e098a4b48b06")).click();
            page.awaitRow("0647e098a4b48b06", "On hold (1001)", "held");
            assertFalse(SERVER.stored("demo", "0647e098a4b48b05").isOnHold());
            assertTrue(SERVER.stored("demo", "0647e098a4b48b06").isOnHold());
        }
        try (Browser browser = Browser.open()) {
            WorkstationPage page = new WorkstationPage(browser).open(SERVER.uri(), "demo");
            page.logInAndWait("9001", "demo-9001");
            page.awaitRow("0647e098a4b48b07", "Talking", "the supervisor sees the whole domain");
            assertEquals(List.of("1001", "1002", "1003"), page.groups());
            browser.screenshot("demo-supervisor");
        }
    }
}
