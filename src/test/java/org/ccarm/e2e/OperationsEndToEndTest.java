package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.ccarm.e2e.RunningServer.uniqueId;
import static org.ccarm.e2e.RunningServer.unholdXml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ccarm.CcArmServer;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.config.ServerConfig;
import org.ccarm.config.StoreConfig;
import org.ccarm.testing.Await;
import org.ccarm.testing.RedisServer;
import org.ccarm.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operations listener over real sockets: health, readiness, metrics after real requests, request ids. */
class OperationsEndToEndTest {

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    @RegisterExtension
    final AuditCapture audit = new AuditCapture();

    private static Response ops(String path) {
        return RestAssured.given().baseUri(SERVER.opsUri().toString()).get(path);
    }

    /** The value of one series in a scrape, or -1 when it is not there. */
    private static double sample(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void livenessAndReadinessAnswerWithTheirChecks() {
        ops("/health/live").then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("up"));
        ops("/health/ready").then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("ready"))
                .body("checks.store.state", org.hamcrest.Matchers.equalTo("up"))
                .body("checks.accepting.passing", org.hamcrest.Matchers.equalTo(true));
        ops("/nothing").then().statusCode(404);
    }

    @Test
    void theCountersMoveWithRealRequestsAndLabelsStayBounded() {
        String before = ops("/metrics").asString();
        String ok = "ccarm_commands_total{command=\"call_unhold\",domain=\"demo\",status=\"200\",transport=\"http\"}";
        double okBefore = Math.max(0, sample(before, ok));
        Conversation held = SERVER.add(heldBy("1001", "demo", uniqueId("metrics"), "1001"));
        SERVER.post("demo", "call_unhold", unholdXml(held.id(), null)).then().statusCode(200);
        SERVER.post("demo", "call_unhold", unholdXml(held.id(), null)).then().statusCode(403);
        SERVER.post("demo", "no_such_command_" + uniqueId("x"), unholdXml("x", null)).then().statusCode(404);
        SERVER.post("nowhere-" + uniqueId("d"), "call_unhold", unholdXml("x", null)).then().statusCode(404);
        Response scraped = ops("/metrics");
        scraped.then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/plain"));
        String after = scraped.asString();
        assertEquals(okBefore + 1, sample(after, ok), 0.0);
        assertTrue(sample(after, "ccarm_commands_total{command=\"call_unhold\",domain=\"demo\",status=\"403\",transport=\"http\"}") >= 1);
        assertTrue(sample(after, "ccarm_commands_total{command=\"unknown\",domain=\"demo\",status=\"404\",transport=\"http\"}") >= 1,
                "an unknown command is one label value, whatever its name");
        assertTrue(sample(after, "ccarm_commands_total{command=\"call_unhold\",domain=\"other\",status=\"404\",transport=\"http\"}") >= 1,
                "a domain not served is one label value");
        assertTrue(!after.contains("no_such_command") && !after.contains("nowhere-"), "no client text in a label");
        assertTrue(after.contains("ccarm_command_duration_seconds_bucket{command=\"call_unhold\",domain=\"demo\",transport=\"http\",le="));
        assertTrue(sample(after, "ccarm_store_operation_duration_seconds_count{operation=\"apply\"}") >= 2);
        for (String family : new String[] {"ccarm_websocket_sessions", "ccarm_audit_queue_depth", "ccarm_audit_lines_written_total",
                "ccarm_http_threads{state=\"busy\"}", "ccarm_http_connections", "jvm_memory_used_bytes", "jvm_gc_live_data_size_bytes",
                "process_uptime_seconds", "jvm_threads_live_threads"}) {
            assertTrue(after.contains(family), family + " is scraped");
        }
    }

    /** Micrometer holds a gauge's object weakly unless told otherwise: after a GC a lambda's gauge read NaN. */
    @Test
    void everyGaugeStillReadsANumberAfterTheCollectorRan() {
        WeakReference<Object> canary = new WeakReference<>(new Object());
        Await.until(() -> {
            System.gc();
            return canary.get() == null;
        }, "a collection that clears weak references");
        String scrape = ops("/metrics").asString();
        List<String> gauges = new ArrayList<>();
        Matcher type = Pattern.compile("(?m)^# TYPE (ccarm_\\S+) gauge$").matcher(scrape);
        while (type.find()) {
            gauges.add(type.group(1));
        }
        assertTrue(gauges.contains("ccarm_http_threads"), gauges.toString());
        for (String gauge : gauges) {
            Matcher series = Pattern.compile("(?m)^" + Pattern.quote(gauge) + "(\\{[^}]*})? (\\S+)$").matcher(scrape);
            assertTrue(series.find(), gauge + " has a series");
            do {
                assertNotEquals("NaN", series.group(2), gauge + series.group(1));
            } while (series.find());
        }
    }

    @Test
    void everyAnswerCarriesARequestIdAndTheAuditLineHasIt() {
        Conversation held = SERVER.add(heldBy("1001", "demo", uniqueId("rid"), "1001"));
        Response mine = SERVER.request().header("X-Request-Id", "client-chose.this_1").contentType("application/xml")
                .body(unholdXml(held.id(), null)).post("/demo/service/cc/arm/call_unhold");
        assertEquals("client-chose.this_1", mine.header("X-Request-Id"));
        assertTrue(audit.lines().get(0).endsWith(" request=client-chose.this_1"), audit.lines().get(0));
        Response insane = SERVER.request().header("X-Request-Id", "no spaces, please").get("/nothing/here");
        assertNotEquals("no spaces, please", insane.header("X-Request-Id"));
        assertTrue(insane.header("X-Request-Id").matches("[A-Za-z0-9._-]{1,64}"), insane.header("X-Request-Id"));
        String a = SERVER.request().get("/demo/service/cc/arm/ws").header("X-Request-Id");
        String b = SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN)
                .get("/admin/domains/demo/conversations/none").header("X-Request-Id");
        assertTrue(a != null && b != null && !a.equals(b), a + " " + b);
    }

    @Test
    void readinessFollowsTheStoreAndTheShutdown() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            ServerConfig config = TestConfigs.config(Optional.empty(), "demo")
                    .withStore(new StoreConfig("redis", redis.url(), 300, "ops", 0));
            CcArmServer server = CcArmServer.start(config);
            try {
                String ready = server.opsUri() + "health/ready";
                assertEquals(200, RestAssured.get(ready).statusCode());
                redis.stop();
                Response down = RestAssured.get(ready);
                assertEquals(503, down.statusCode(), down.asString());
                assertTrue(down.asString().contains("\"store\":{\"passing\":false,\"state\":\"unreachable\"}"), down.asString());
                assertEquals(200, RestAssured.get(server.opsUri() + "health/live").statusCode(), "alive all the same");
                redis.startAgain();
                Await.until(() -> RestAssured.get(ready).statusCode() == 200, Duration.ofSeconds(10), "ready again");
            } finally {
                server.close();
            }
        }
    }
}
