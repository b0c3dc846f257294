package org.ccarm.e2e;

import static org.ccarm.e2e.RunningServer.TOKEN;
import static org.ccarm.e2e.RunningServer.uniqueId;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Optional;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.config.ServerConfig;
import org.ccarm.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The switch feed's JSON API: create, replace, read, end; its token; its refusals. */
class SwitchFeedEndToEndTest {

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    @RegisterExtension
    static final RunningServer FEED_OFF = new RunningServer(TestConfigs.config(Optional.empty(), "demo"));

    private static RequestSpecification feed() {
        return SERVER.request().header("Authorization", "Bearer " + TOKEN).contentType("application/json");
    }

    private static String path(String domain, String id) {
        return "/admin/domains/" + domain + "/conversations/" + id;
    }

    @Test
    void putCreatesThenReplacesAndGetReadsItBack() {
        String id = uniqueId("fed");
        feed().body("{\"operators\": [\"1001\", \"1002\"]}").put(path("demo", id))
                .then().statusCode(201).body("id", equalTo(id)).body("held_by", nullValue());
        feed().body("{\"operators\": [\"1001\", \"1002\"], \"held_by\": \"1002\"}").put(path("demo", id))
                .then().statusCode(200).body("held_by", equalTo("1002"));
        Response got = feed().get(path("demo", id));
        got.then().statusCode(200).contentType("application/json")
                .body("id", equalTo(id)).body("domain", equalTo("demo"))
                .body("operators", equalTo(List.of("1001", "1002"))).body("held_by", equalTo("1002"));
        String since = got.path("held_since");
        assertTrue(since.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,3})?Z"), since);
    }

    @Test
    void aConversationFromTheFeedCanBeUnheldOverTheApi() {
        String id = uniqueId("fed");
        feed().body("{\"operators\": [\"1001\"], \"held_by\": \"1001\", \"held_since\": \"2026-11-25T13:03:39.123Z\"}")
                .put(path("demo", id)).then().statusCode(201).body("held_since", equalTo("2026-11-25T13:03:39.123Z"));
        OutDocument.assertOk(SERVER.post("demo", "call_unhold", RunningServer.unholdXml(id, null)), OutDocument.OK_UNHOLD);
        feed().get(path("demo", id)).then().statusCode(200).body("held_by", nullValue()).body("held_since", nullValue());
    }

    @Test
    void deleteEndsAConversation() {
        String id = uniqueId("fed");
        feed().body("{\"operators\": [\"1001\"]}").put(path("demo", id)).then().statusCode(201);
        feed().delete(path("demo", id)).then().statusCode(204);
        feed().delete(path("demo", id)).then().statusCode(404).body("error", equalTo("not_found"));
        feed().get(path("demo", id)).then().statusCode(404);
    }

    @Test
    void theFeedNeedsTheToken() {
        String id = uniqueId("fed");
        SERVER.request().contentType("application/json").body("{\"operators\": [\"1001\"]}").put(path("demo", id))
                .then().statusCode(401).header("WWW-Authenticate", "Bearer realm=\"cc-arm-server switch feed\"")
                .body("error", equalTo("unauthorized"));
        SERVER.request().header("Authorization", "Bearer wrong").get(path("demo", id)).then().statusCode(401);
        SERVER.request().header("Authorization", "Basic " + TOKEN).get(path("demo", id)).then().statusCode(401);
        SERVER.request().header("Authorization", "Bearer " + TOKEN + "x").get(path("demo", id)).then().statusCode(401);
        assertFalse(SERVER.store().find(new ConversationKey("demo", id)).isPresent());
    }

    /** Guessing the token is counted, logged at a bounded rate and throttled per address, as logins are. */
    @Test
    void guessesOfTheTokenAreCountedAndAnAddressThatKeepsGuessingGets429() throws Exception {
        InetAddress guesser = InetAddress.getByName("127.0.0.66");
        String metric = "ccarm_admin_auth_failures_total";
        double before = failures(metric);
        for (int i = 0; i < 10; i++) {
            assertTrue(feedGet(guesser, "Bearer guess-" + i).startsWith("HTTP/1.1 401"));
        }
        String refused = feedGet(guesser, "Bearer " + TOKEN);
        assertTrue(refused.startsWith("HTTP/1.1 429") && refused.contains("\"error\":\"too_many_attempts\""), refused);
        Matcher retryAfter = Pattern.compile("(?m)^Retry-After: (\\d+)\\s*$").matcher(refused);
        assertTrue(retryAfter.find() && Integer.parseInt(retryAfter.group(1)) > 0, refused);
        assertTrue(feedGet(InetAddress.getByName("127.0.0.67"), "Bearer " + TOKEN).startsWith("HTTP/1.1 404"),
                "another address with the token is served (404: no such conversation)");
        assertEquals(before + 10, failures(metric), 0.0);
    }

    private static String feedGet(InetAddress from, String authorization) throws IOException {
        try (RawClient client = RawClient.connect(SERVER.uri(), from)) {
            return client.send("GET " + path("demo", "none") + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + authorization
                    + "\r\nConnection: close\r\n\r\n").readToEnd();
        }
    }

    private static double failures(String metric) {
        Matcher m = Pattern.compile("(?m)^" + metric + " (\\S+)$")
                .matcher(RestAssured.get(SERVER.opsUri() + "metrics").asString());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void withoutAConfiguredTokenTheFeedDoesNotExist() {
        FEED_OFF.request().header("Authorization", "Bearer ").contentType("application/json")
                .body("{\"operators\": [\"1001\"]}").put(path("demo", "x"))
                .then().statusCode(404).body("error", equalTo("not_found"));
        assertTrue(FEED_OFF.store().find(new ConversationKey("demo", "x")).isEmpty());
    }

    @Test
    void anUnknownDomainIsNotFound() {
        feed().body("{\"operators\": [\"1001\"]}").put(path("nowhere", "x"))
                .then().statusCode(404).body("error", equalTo("unknown_domain"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "not json",
            "{\"operators\": [\"1001\"]",
            "[]",
            "{}",
            "{\"operators\": []}",
            "{\"operators\": \"1001\"}",
            "{\"operators\": [1001]}",
            "{\"operators\": [\"\"]}",
            "{\"operators\": [\"1001\"], \"held_by\": \"1002\"}",
            "{\"operators\": [\"1001\"], \"held_by\": 1001}",
            "{\"operators\": [\"1001\"], \"held_since\": \"2026-11-25T13:03:39Z\"}",
            "{\"operators\": [\"1001\"], \"held_by\": \"1001\", \"held_since\": \"yesterday\"}",
            "{\"operators\": [\"1001\"], \"colour\": \"red\"}",
            // as strict as the command API: one value, no duplicate key, nothing after it
            "{\"operators\": [\"1001\"]} x",
            "{\"operators\": [\"1001\"]}{\"operators\": [\"1002\"]}",
            "{\"operators\": [\"1001\"]} []",
            "{\"operators\": [\"1001\"], \"operators\": [\"1002\"]}",
            "{\"operators\": [\"1001\"], \"held_by\": true}",
            "{\"operators\": [\"1001\"], \"held_by\": \"\"}",
            "null",
            "\"1001\"",
            // instants: UTC with Z, years 1970 to 9999, nothing below the millisecond
            "{\"operators\": [\"1001\"], \"held_by\": \"1001\", \"held_since\": \"+300000000-01-01T00:00:00Z\"}",
            "{\"operators\": [\"1001\"], \"held_by\": \"1001\", \"held_since\": \"2026-11-25T14:03:39.123+01:00\"}",
            "{\"operators\": [\"1001\"], \"held_by\": \"1001\", \"held_since\": \"2026-11-25T13:03:39.1234Z\"}",
            "{\"operators\": [\"1001\"], \"held_by\": \"1001\", \"held_since\": \"2026-11-25T13:03:39.123456789Z\"}",
            "{\"operators\": [\"1001\"], \"held_by\": \"1001\", \"held_since\": \"1969-12-31T23:59:59Z\"}",
            "{\"operators\": [\"1001\"], \"held_by\": \"1001\", \"held_since\": \"2026-13-25T13:03:39Z\"}",
            "{\"operators\": [\"1001\"], \"held_by\": \"1001\", \"held_since\": \"2026-11-25t13:03:39z\"}",
            "{\"operators\": [\"1001\"], \"held_by\": \"1001\", \"held_since\": 1764075819123}",
    })
    void badJsonIsRefusedAndChangesNothing(String body) {
        String id = uniqueId("fed");
        feed().body("{\"operators\": [\"1001\"], \"held_by\": \"1001\"}").put(path("demo", id)).then().statusCode(201);
        String before = feed().get(path("demo", id)).asString();
        feed().body(body).put(path("demo", id)).then().statusCode(400).body("error", equalTo("invalid_conversation"));
        assertEquals(before, feed().get(path("demo", id)).asString());
    }

    @Test
    void anInstantToTheMillisecondIsKeptAndTrailingZerosAreFine() {
        String id = uniqueId("fed");
        feed().body("{\"operators\": [\"1001\"], \"held_by\": \"1001\", \"held_since\": \"2026-11-25T13:03:39.120000Z\"}")
                .put(path("demo", id)).then().statusCode(201).body("held_since", equalTo("2026-11-25T13:03:39.120Z"));
        feed().body("{\"operators\": [\"1001\"], \"held_by\": \"1001\", \"held_since\": \"9999-12-31T23:59:59.999Z\"}")
                .put(path("demo", id)).then().statusCode(200).body("held_since", equalTo("9999-12-31T23:59:59.999Z"));
    }

    @Test
    void aBodyThatIsNotJsonByItsTypeIsRefused() {
        SERVER.request().header("Authorization", "Bearer " + TOKEN).contentType("text/plain")
                .body("{\"operators\": [\"1001\"]}").put(path("demo", uniqueId("fed")))
                .then().statusCode(415).body("error", equalTo("unsupported_media_type"));
    }

    @Test
    void otherMethodsAreNotAllowed() {
        feed().post(path("demo", "x")).then().statusCode(405).header("Allow", "GET, PUT, DELETE");
    }
}
