package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ccarm.testing.Await;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit fails closed: the real server, in its own process, with its audit trail on
 * {@code /dev/full} (a device that refuses every write). Synced: the first change is made
 * but answered 503 {@code audit_unavailable} saying so; after it, a change the rules allow
 * is refused 503 before it is made, one they refuse is still 403; readiness fails and the
 * failures are counted. Batched: commands are answered as always, the failures counted and
 * logged, readiness failing.
 */
class AuditUnavailableEndToEndTest {

    private static final Path FULL = Path.of("/dev/full");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    /**
     * The server in its own process, its audit file {@code /dev/full}: set by the environment
     * (as Logback reads it at start) or by the {@code audit.file} key (the server points the
     * trail there once it has read its configuration).
     */
    private Process start(String durability, Path log, boolean byKey) throws IOException {
        Files.writeString(dir.resolve("conversations.json"), "[{\"id\":\"held\",\"operators\":[\"1001\"],\"held_by\":\"1001\"},"
                + "{\"id\":\"free\",\"operators\":[\"1001\"]}]");
        Path config = dir.resolve("server.properties");
        Files.writeString(config, "http.port = 0\nops.port = 0\nsip.enabled = false\ndomains = demo\n"
                + "domain.demo.fixture = conversations.json\naudit.durability = " + durability + "\nauth.mode = off\n"
                + "admin.token = " + RunningServer.TOKEN + "\n" + (byKey ? "audit.file = " + FULL + "\n" : ""));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + Path.of("config", "logback.xml").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), "org.ccarm.Main", "--config", config.toString());
        if (!byKey) {
            builder.environment().put("CCARM_AUDIT_FILE", FULL.toString());
        }
        builder.directory(dir.toFile()); // Logback's default file, before the key moves it, is made here
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return builder.start();
    }

    private HttpResponse<String> command(URI base, String command, String id) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("demo/service/cc/arm/" + command))
                .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofString(
                        "<in><request><" + command + " conversation_id=\"" + id + "\"/></request></in>")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void syncedRefusesChangesItCannotAuditAndSaysSoOfOneItMade() throws Exception {
        Assumptions.assumeTrue(Files.isWritable(FULL), "no /dev/full here");
        Path log = dir.resolve("synced.log");
        Process server = start("synced", log, false);
        try {
            URI base = awaitUri(log, "cc-arm-server listening on");
            URI ops = awaitUri(log, "ops listening on");
            // the first change is made; its own line cannot be written: 503, saying the change was made
            HttpResponse<String> made = command(base, "call_unhold", "held");
            assertEquals(503, made.statusCode(), made.body());
            assertTrue(made.body().contains("reason=\"audit_unavailable\"") && made.body().contains("the change was made"),
                    made.body());
            // the rules come first: a command they refuse is answered as always
            HttpResponse<String> refused = command(base, "call_unhold", "held");
            assertEquals(403, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("is not on hold"), refused.body());
            // a change the rules allow is refused before it is made
            HttpResponse<String> notMade = command(base, "call_hold", "free");
            assertEquals(503, notMade.statusCode(), notMade.body());
            assertTrue(notMade.body().contains("reason=\"audit_unavailable\"")
                    && notMade.body().contains("nothing was changed"), notMade.body());
            assertEquals("1", notMade.headers().firstValue("Retry-After").orElse(""));
            HttpResponse<String> stillFree = command(base, "call_unhold", "free");
            assertTrue(stillFree.body().contains("is not on hold"), "the refused hold changed nothing: " + stillFree.body());
            // the switch feed's changes too
            HttpResponse<String> fed = http.send(HttpRequest.newBuilder(base.resolve("admin/domains/demo/conversations/new"))
                    .header("Authorization", "Bearer " + RunningServer.TOKEN).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"operators\": [\"1001\"]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, fed.statusCode(), fed.body());
            assertTrue(fed.body().contains("audit_unavailable"), fed.body());

            HttpResponse<String> ready = get(ops.resolve("health/ready"));
            assertEquals(503, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("\"audit\"") && ready.body().contains("cannot_write"), ready.body());
            assertTrue(metric(ops, "ccarm_audit_write_failures_total") >= 1);
            assertEquals(200, get(ops.resolve("health/live")).statusCode(), "alive: the server still serves");
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void batchedAnswersAsAlwaysButCountsAndLogsTheFailuresAndIsNotReady() throws Exception {
        Assumptions.assumeTrue(Files.isWritable(FULL), "no /dev/full here");
        Path log = dir.resolve("batched.log");
        Process server = start("batched", log, true);
        try {
            URI base = awaitUri(log, "cc-arm-server listening on");
            URI ops = awaitUri(log, "ops listening on");
            assertEquals(200, command(base, "call_unhold", "held").statusCode());
            Await.until(() -> {
                try {
                    return metric(ops, "ccarm_audit_write_failures_total") >= 1;
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(10), "the failed write is counted");
            assertEquals(200, command(base, "call_hold", "free").statusCode(), "batched does not refuse");
            assertEquals(503, get(ops.resolve("health/ready")).statusCode(), "but the instance is not ready");
            Await.until(() -> read(log).contains("cannot write the audit trail to /dev/full"), Duration.ofSeconds(10),
                    "the failure is logged");
            assertEquals(1, Pattern.compile("cannot write the audit trail").matcher(read(log)).results().count(),
                    "once a minute at most");
        } finally {
            server.destroyForcibly();
        }
    }

    private double metric(URI ops, String series) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(get(ops.resolve("metrics")).body());
        assertTrue(m.find(), series);
        return Double.parseDouble(m.group(1));
    }

    private static URI awaitUri(Path log, String saying) {
        Pattern pattern = Pattern.compile(Pattern.quote(saying) + " (http://\\S+)");
        Await.until(() -> pattern.matcher(read(log)).find(), Duration.ofSeconds(60), "the server says " + saying);
        Matcher m = pattern.matcher(read(log));
        assertTrue(m.find());
        return URI.create(m.group(1).endsWith("/") ? m.group(1) : m.group(1) + "/");
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }
}
