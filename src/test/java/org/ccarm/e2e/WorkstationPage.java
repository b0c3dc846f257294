package org.ccarm.e2e;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.ccarm.testing.Browser;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The workstation page in a real browser, as a person reads it: the inputs by their
 * labels, the buttons by their words, a row by the conversation id it shows.
 */
final class WorkstationPage {

    private final Browser browser;

    WorkstationPage(Browser browser) {
        this.browser = browser;
    }

    Browser browser() {
        return browser;
    }

    WorkstationPage open(URI server, String domain) {
        browser.get(server + domain + "/workstation/");
        return this;
    }

    /** Fills the form labelled Operator and Password and presses Log in. */
    void logIn(String operator, String password) {
        browser.await(d -> loginShown(), "the login form is shown");
        WebElement operatorInput = labelled("Operator");
        operatorInput.clear();
        operatorInput.sendKeys(operator);
        WebElement passwordInput = labelled("Password");
        passwordInput.clear();
        passwordInput.sendKeys(password);
        button(browser.find(By.id("login")), "Log in").click();
    }

    /** Logs in and waits for the live list. */
    void logInAndWait(String operator, String password) {
        logIn(operator, password);
        browser.await(d -> "Live".equals(connection()), "the list is live after the login of " + operator);
    }

    WebElement labelled(String label) {
        WebElement labelElement = browser.find(By.xpath("//label[normalize-space()='" + label + "']"));
        return browser.find(By.id(labelElement.getDomAttribute("for")));
    }

    boolean loginShown() {
        return browser.find(By.id("login")).isDisplayed();
    }

    boolean deskShown() {
        return browser.find(By.id("desk")).isDisplayed();
    }

    String loginMessage() {
        return browser.find(By.id("login-message")).getText();
    }

    /** Live, Reconnecting, or empty while hidden. */
    String connection() {
        WebElement indicator = browser.find(By.id("connection"));
        return indicator.isDisplayed() ? indicator.getText() : "";
    }

    /** The rows showing this conversation (one per group it is in); none when it is not shown. */
    List<WebElement> rows(String conversationId) {
        return browser.findAll(By.cssSelector("li.row[data-conversation-id='" + conversationId + "']"));
    }

    boolean shows(String conversationId) {
        return !rows(conversationId).isEmpty();
    }

    /** The one row of this conversation (under the operator's group when {@code operator} is given). */
    WebElement row(String conversationId, String operator) {
        String group = operator == null ? "" : "section.group[data-operator='" + operator + "'] ";
        return browser.find(By.cssSelector(group + "li.row[data-conversation-id='" + conversationId + "']"));
    }

    WebElement row(String conversationId) {
        return row(conversationId, null);
    }

    /** The row's text, or empty when it is not there: for waits that outlive a row. */
    String text(String conversationId) {
        List<WebElement> found = rows(conversationId);
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    String status(WebElement row) {
        return row.findElement(By.className("status")).getText();
    }

    String timer(WebElement row) {
        return row.findElement(By.className("timer")).getText();
    }

    String refusal(WebElement row) {
        return row.findElement(By.className("refusal")).getText();
    }

    /**
     * Whether the row's command is in flight: its button says it is disabled
     * ({@code aria-disabled}; a {@code disabled} button would lose the keyboard's focus).
     */
    boolean inFlight(WebElement row) {
        return "true".equals(actionButton(row).getDomAttribute("aria-disabled"));
    }

    WebElement actionButton(WebElement row) {
        return row.findElement(By.tagName("button"));
    }

    List<String> groups() {
        return browser.findAll(By.cssSelector("section.group")).stream().map(g -> g.getDomAttribute("data-operator"))
                .toList();
    }

    static WebElement button(WebElement scope, String words) {
        return scope.findElement(By.xpath(".//button[normalize-space()='" + words + "']"));
    }

    /** Waits for a row of this conversation to show these words; the milliseconds it took. */
    long awaitRow(String conversationId, String words, String what) {
        return browser.await(d -> text(conversationId).contains(words), Duration.ofSeconds(10), what);
    }
}
