package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.ccarm.config.AuthConfig;
import org.ccarm.config.SipConfig;
import org.ccarm.testing.Browser;
import org.ccarm.testing.Sipp;
import org.ccarm.testing.TestConfigs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WebElement;

/**
 * The workstation with real calls: SIPp as the caller and the operator's phone, headless
 * Chromium as the operator. The row names the caller; Hold and Resume re-INVITE both legs
 * (the scenarios check them on the wire); a phone that refuses the hold shows the refusal
 * in the row; the caller hanging up takes the row away.
 */
class WorkstationSipBrowserEndToEndTest {

    private static final Duration RUN = Duration.ofSeconds(30);

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer(TestConfigs.withDemoOperators(
            TestConfigs.config(Optional.of(RunningServer.TOKEN), "demo")).withAuth(AuthConfig.REQUIRED)
            .withSip(SipConfig.DEFAULTS.onFreePort().withTimeouts(500, 2_000)));

    @RegisterExtension
    final AuditCapture audit = new AuditCapture();

    @BeforeAll
    static void chromiumAndSipp() {
        Browser.assumeInstalled();
        Sipp.assumeInstalled();
    }

    private String answeredConversation() {
        String line = audit.awaitLine(l -> l.contains("cmd=sip_invite") && l.contains("outcome=created"));
        return line.replaceAll(".*conversation=([0-9a-f]+).*", "$1");
    }

    @Test
    void anOperatorHoldsAndResumesARealCallFromThePage() {
        int phonePort = Sipp.freePort();
        Sipp.register(SERVER.sipPort(), "1001", phonePort);
        try (Browser browser = Browser.open();
             Sipp phone = Sipp.phone("phone.xml", "1001", phonePort);
             Sipp caller = Sipp.caller("caller.xml", SERVER.sipPort(), "1001")) {
            WorkstationPage page = new WorkstationPage(browser).open(SERVER.uri(), "demo");
            page.logInAndWait("1001", "demo-1001");
            String id = answeredConversation();
            page.awaitRow(id, "Ada Caller <sip:+4930123456@127.0.0.1:", "the row names the caller");
            page.actionButton(page.row(id)).click();
            page.awaitRow(id, "On hold (1001)", "the hold both phones accepted");
            assertTrue(SERVER.stored("demo", id).isOnHold());
            browser.await(d -> page.timer(page.row(id)).matches("0:0[1-9]"), Duration.ofSeconds(5), "the timer runs");
            browser.screenshot("sip-call-on-hold");
            page.actionButton(page.row(id)).click();
            page.awaitRow(id, "Talking", "released");
            caller.assertPassed(RUN); // it checked both re-INVITEs, then hung up
            phone.assertPassed(RUN);
            browser.await(d -> !page.shows(id), Duration.ofSeconds(10), "the hang-up takes the row away");
        }
    }

    @Test
    void aPhoneThatRefusesTheHoldShowsTheRefusalInTheRow() {
        int phonePort = Sipp.freePort();
        Sipp.register(SERVER.sipPort(), "1002", phonePort);
        try (Browser browser = Browser.open();
             Sipp phone = Sipp.phone("phone-refuses-hold.xml", "1002", phonePort);
             Sipp caller = Sipp.caller("caller.xml", SERVER.sipPort(), "1002")) {
            WorkstationPage page = new WorkstationPage(browser).open(SERVER.uri(), "demo");
            page.logInAndWait("1002", "demo-1002");
            String id = answeredConversation();
            page.awaitRow(id, "Talking", "the call is listed");
            WebElement hold = page.actionButton(page.row(id));
            hold.click();
            browser.await(d -> page.refusal(page.row(id)).contains("cannot_perform_cmd"), "the refusal is in the row");
            assertEquals("Refused (cannot_perform_cmd): the operator's leg refused the hold: 488 Not Acceptable Here",
                    page.refusal(page.row(id)));
            assertEquals("Talking", page.status(page.row(id)));
            assertFalse(page.inFlight(page.row(id)), "the button is back once answered");
            assertFalse(SERVER.stored("demo", id).isOnHold());
            browser.screenshot("sip-hold-refused");
            caller.assertPassed(RUN);
            phone.assertPassed(RUN);
        }
    }
}
