package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.ccarm.config.AuthConfig;
import org.ccarm.testing.Browser;
import org.ccarm.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The operator's workstation in a real headless Chromium against the real server on a
 * free port: logging in, the operator's own rows, Hold and Resume, changes made elsewhere
 * (curl, the switch feed, a supervisor's browser) appearing without a reload, a logout
 * elsewhere, the 360 px layout, and authentication off. Refusals in a row, SIP callers and
 * restarts have their own classes. How long each change took to
 * appear is printed (the target is a second; the waits allow ten). Screenshots go to
 * {@code target/screenshots}.
 */
class WorkstationBrowserEndToEndTest {

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer(TestConfigs.withDemoOperators(
            TestConfigs.config(Optional.of(RunningServer.TOKEN), "demo")).withAuth(AuthConfig.REQUIRED));

    @RegisterExtension
    static final RunningServer OPEN = new RunningServer(TestConfigs.config(Optional.of(RunningServer.TOKEN), "demo"));

    private Browser browser;
    private WorkstationPage page;

    @BeforeAll
    static void chromium() {
        Browser.assumeInstalled();
    }

    @BeforeEach
    void openBrowser() {
        browser = Browser.open();
        page = new WorkstationPage(browser);
    }

    @AfterEach
    void closeBrowser() {
        browser.close();
    }

    /** Creates or replaces a conversation through the switch feed, as the switch does. */
    static void feed(RunningServer server, String id, List<String> operators, String heldBy) {
        String body = "{\"operators\": [\"" + String.join("\", \"", operators) + "\"]"
                + (heldBy == null ? "" : ", \"held_by\": \"" + heldBy + "\"") + "}";
        Response put = server.request().header("Authorization", "Bearer " + RunningServer.TOKEN)
                .contentType("application/json").body(body).put("/admin/domains/demo/conversations/" + id);
        assertTrue(put.statusCode() < 300, put.asString());
    }

    static void feedEnds(RunningServer server, String id) {
        assertEquals(204, server.request().header("Authorization", "Bearer " + RunningServer.TOKEN)
                .delete("/admin/domains/demo/conversations/" + id).statusCode());
    }

    @Test
    void aWrongPasswordIsRefusedInWordsThenTheRightOneOpensTheDesk() {
        page.open(SERVER.uri(), "demo");
        page.logIn("1001", "not-the-password");
        browser.await(d -> page.loginMessage().contains("Unknown operator or wrong password"),
                "the refusal is shown in words");
        assertFalse(page.deskShown());
        browser.screenshot("login-refused");
        // from the keyboard alone: the form has the focus where it is needed, Tab and Enter do the rest
        browser.await(d -> "password".equals(browser.script("return document.activeElement.id")),
                "after a refusal the focus is on the password");
        browser.driver().switchTo().activeElement().sendKeys(Keys.chord(Keys.SHIFT, Keys.TAB));
        WebElement operator = browser.driver().switchTo().activeElement();
        assertEquals("operator", operator.getDomAttribute("id"));
        operator.sendKeys(Keys.chord(Keys.CONTROL, "a"), "1001", Keys.TAB, "demo-1001", Keys.ENTER);
        browser.await(d -> "Live".equals(page.connection()), "logged in from the keyboard");
        assertFalse(page.loginShown());
        assertEquals("desk-title", browser.script("return document.activeElement.id"),
                "the focus moves to the list's heading");
        assertEquals("Operator 1001", browser.find(By.id("who")).getText());
        // a reload asks who it is (the cookie is HttpOnly) and stays logged in
        browser.driver().navigate().refresh();
        browser.await(d -> "Live".equals(page.connection()), "still logged in after a reload");
        assertFalse(page.loginShown());
    }

    @Test
    void tooManyFailuresShowTheSecondsToWait() {
        page.open(SERVER.uri(), "demo");
        for (int i = 1; i <= AuthConfig.REQUIRED.maxFailuresPerOperator(); i++) {
            page.logIn("7777", "guess-" + i);
            int attempt = i;
            browser.await(d -> page.loginMessage().contains("Unknown operator or wrong password")
                    && page.labelled("Password").getDomProperty("value").isEmpty(), "failure " + attempt + " shown");
            browser.script("document.getElementById('login-message').textContent = ''");
        }
        page.logIn("7777", "one-more");
        browser.await(d -> page.loginMessage().matches("Too many failed attempts: try again in \\d+ s\\."),
                "the lockout in words, with the seconds to wait");
    }

    @Test
    void anOperatorSeesItsOwnConversationsHoldsAndResumesThem() {
        String mine = RunningServer.uniqueId("mine");
        String shared = RunningServer.uniqueId("shared");
        String theirs = RunningServer.uniqueId("theirs");
        feed(SERVER, mine, List.of("1001"), null);
        feed(SERVER, shared, List.of("1001", "1002"), "1002");
        feed(SERVER, theirs, List.of("1002"), null);
        page.open(SERVER.uri(), "demo").logInAndWait("1001", "demo-1001");
        browser.await(d -> page.shows(mine) && page.shows(shared), "1001's conversations are listed");
        assertFalse(page.shows(theirs), "nobody else's");
        assertTrue(page.status(page.row(shared)).startsWith("On hold"), page.text(shared));
        assertEquals("Resume", page.actionButton(page.row(shared)).getText());
        assertEquals("Talking", page.status(page.row(mine)));

        WebElement hold = page.actionButton(page.row(mine));
        assertEquals("Hold", hold.getText());
        hold.click();
        long held = page.awaitRow(mine, "Resume", "the row shows the hold");
        assertTrue(page.status(page.row(mine)).startsWith("On hold (1001)"), page.text(mine));
        assertTrue(SERVER.stored("demo", mine).isOnHold(), "the server holds it");
        assertTrue(browser.find(By.id("announcer")).getAttribute("textContent").contains(mine + ": on hold"),
                "the change is announced to a screen reader");
        browser.await(d -> page.timer(page.row(mine)).matches("0:0[1-9]"), Duration.ofSeconds(5), "the timer runs");
        browser.screenshot("operator-on-hold");
        System.out.printf("workstation: Hold shown %d ms after the click%n", held);

        // Resume from the keyboard: the focus stays on the row's button throughout
        browser.script("arguments[0].focus()", page.actionButton(page.row(mine)));
        browser.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
        page.awaitRow(mine, "Talking", "the row shows it resumed");
        assertEquals(page.actionButton(page.row(mine)), browser.driver().switchTo().activeElement(),
                "the keyboard's place is kept");
        assertEquals("Hold", page.actionButton(page.row(mine)).getText());
        assertFalse(SERVER.stored("demo", mine).isOnHold(), "the server released it");
        assertEquals("", page.timer(page.row(mine)), "no timer while talking");
    }

    @Test
    void changesMadeElsewhereAppearWithoutAReload() {
        String id = RunningServer.uniqueId("elsewhere");
        feed(SERVER, id, List.of("1001", "1002"), null);
        page.open(SERVER.uri(), "demo").logInAndWait("1001", "demo-1001");
        page.awaitRow(id, "Talking", "the conversation is listed");

        // curl: 1002 holds it with its own token
        String token = Sessions.login(SERVER, "demo", "1002", "demo-1002");
        assertEquals(200, SERVER.request().header("Authorization", "Bearer " + token).contentType("application/xml")
                .body(RunningServer.holdXml(id, "1002")).post("/demo/service/cc/arm/call_hold").statusCode());
        long byCurl = page.awaitRow(id, "On hold (1002)", "a hold made by curl appears");

        // the switch feed: a new conversation, then the end of this one
        String fresh = RunningServer.uniqueId("fresh");
        feed(SERVER, fresh, List.of("1001"), null);
        long byFeed = page.awaitRow(fresh, "Talking", "a conversation the feed created appears");
        feedEnds(SERVER, fresh);
        browser.await(d -> !page.shows(fresh), "a conversation the feed ended goes");

        // a second browser, the supervisor's, resumes it
        try (Browser second = Browser.open()) {
            WorkstationPage supervisor = new WorkstationPage(second).open(SERVER.uri(), "demo");
            supervisor.logInAndWait("9001", "demo-9001");
            supervisor.awaitRow(id, "On hold", "the supervisor sees the hold");
            assertTrue(supervisor.groups().containsAll(List.of("1001", "1002")), supervisor.groups().toString());
            assertEquals(1, supervisor.row(id, "1001").findElements(By.xpath(".//button[normalize-space()='Resume']"))
                    .size(), "the conversation is under each of its operators");
            second.screenshot("supervisor-grouped");
            supervisor.actionButton(supervisor.row(id, "1002")).click();
            long bySupervisor = page.awaitRow(id, "Talking", "the supervisor's resume appears in the operator's page");
            System.out.printf("workstation: changes appeared after curl %d ms, feed %d ms, another browser %d ms "
                    + "(target: within 1,000 ms)%n", byCurl, byFeed, bySupervisor);
        }
        assertFalse(SERVER.stored("demo", id).isOnHold());
    }

    @Test
    void aLogoutElsewhereReturnsToTheLoginForm() {
        page.open(SERVER.uri(), "demo").logInAndWait("1003", "demo-1003");
        String token = browser.driver().manage().getCookieNamed("ccarm_session").getValue();
        assertEquals(200, SERVER.request().header("Authorization", "Bearer " + token).contentType("application/xml")
                .body(Sessions.LOGOUT_XML).post("/demo/service/cc/arm/logout").statusCode());
        long back = browser.await(d -> page.loginShown(), "the page returns to the login form");
        assertTrue(page.loginMessage().contains("session has ended"), page.loginMessage());
        System.out.printf("workstation: back at the login form %d ms after a logout elsewhere%n", back);
    }

    @Test
    void onA360PixelScreenNothingScrollsSideways() {
        String id = RunningServer.uniqueId("narrow-and-a-rather-long-conversation-id");
        feed(SERVER, id, List.of("1001"), "1001");
        browser.emulateWidth(360, 740);
        page.open(SERVER.uri(), "demo");
        browser.await(d -> page.loginShown(), "the login form");
        assertNoSidewaysScroll();
        browser.screenshot("login-360px");
        page.logInAndWait("1001", "demo-1001");
        page.awaitRow(id, "Resume", "the held conversation is listed");
        assertNoSidewaysScroll();
        browser.screenshot("operator-360px");
    }

    private void assertNoSidewaysScroll() {
        Object widths = browser.script("return [document.documentElement.scrollWidth, window.innerWidth];");
        List<?> pair = (List<?>) widths;
        assertEquals(360L, ((Number) pair.get(1)).longValue(), "the page is 360 px wide");
        assertTrue(((Number) pair.get(0)).longValue() <= 360, "no horizontal scroll: " + widths);
    }

    @Test
    void withAuthenticationOffThePageShowsTheWholeDomainWithoutALogin() {
        String id = RunningServer.uniqueId("open");
        feed(OPEN, id, List.of("1001", "1002"), null);
        page.open(OPEN.uri(), "demo");
        browser.await(d -> "Live".equals(page.connection()), "live without a login");
        assertFalse(page.loginShown());
        page.awaitRow(id, "Talking", "the whole domain is shown");
        assertEquals(2, page.rows(id).size(), "under each of its operators");
        page.actionButton(page.row(id, "1002")).click();
        page.awaitRow(id, "On hold (1002)", "the hold names the group's operator");
        assertTrue(OPEN.stored("demo", id).isOnHold());
    }
}
