package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ccarm.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit.durability = synced}: the real server, in its own process, is killed
 * with SIGKILL while clients release conversations; every release it answered 200 has
 * its line in the audit file. (In {@code batched} mode the last batch may be lost: that
 * is the documented trade-off, and why this mode exists.)
 */
class AuditDurabilityEndToEndTest {

    private static final int CONVERSATIONS = 20_000;

    @TempDir
    Path dir;

    @Test
    void afterKillNineEveryAnsweredChangeHasItsLine() throws Exception {
        Path fixture = dir.resolve("held.json");
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < CONVERSATIONS; i++) {
            json.append(i == 0 ? "" : ",").append("{\"id\":\"k").append(i).append("\",\"operators\":[\"1001\"],\"held_by\":\"1001\"}");
        }
        Files.writeString(fixture, json.append("]").toString());
        Path config = dir.resolve("server.properties");
        Files.writeString(config, "http.port = 0\nops.port = 0\nsip.port = 0\ndomains = demo\ndomain.demo.fixture = held.json\naudit.durability = synced\nauth.mode = off\n");
        Path audit = dir.resolve("audit.log");
        Path log = dir.resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + Path.of("config", "logback.xml").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), "org.ccarm.Main", "--config", config.toString());
        builder.environment().put("CCARM_AUDIT_FILE", audit.toString());
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process server = builder.start();
        try {
            Await.until(() -> listening(log) != null, Duration.ofSeconds(60), "the server says where it listens");
            URI base = URI.create(listening(log));
            Set<String> answered = ConcurrentHashMap.newKeySet();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            ExecutorService clients = Executors.newFixedThreadPool(16);
            for (int t = 0; t < 16; t++) {
                int first = t;
                clients.submit(() -> {
                    for (int i = first; i < CONVERSATIONS; i += 16) {
                        String id = "k" + i;
                        try {
                            HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve("demo/service/cc/arm/call_unhold"))
                                    .header("Content-Type", "application/xml")
                                    .POST(HttpRequest.BodyPublishers.ofString("<in><request><call_unhold conversation_id=\""
                                            + id + "\"/></request></in>")).build(), HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() == 200) {
                                answered.add(id);
                            }
                        } catch (IOException | InterruptedException e) {
                            return; // the server is gone
                        }
                    }
                });
            }
            Await.until(() -> answered.size() >= 2_000, Duration.ofSeconds(60), "two thousand releases answered");
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no hook, no flush
            clients.shutdown();
            assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));
            List<String> lines = Files.readAllLines(audit, StandardCharsets.UTF_8);
            Set<String> audited = ConcurrentHashMap.newKeySet();
            Pattern ok = Pattern.compile("conversation=(k\\d+) version=2 seq=\\d+ operator=1001 session=- outcome=ok status=200");
            for (String line : lines) {
                Matcher m = ok.matcher(line);
                if (m.find()) {
                    audited.add(m.group(1));
                }
            }
            List<String> missing = new ArrayList<>(answered);
            missing.removeAll(audited);
            assertTrue(missing.isEmpty(), missing.size() + " of " + answered.size() + " answered releases have no audit line, e.g. "
                    + missing.subList(0, Math.min(5, missing.size())));
        } finally {
            server.destroyForcibly();
        }
    }

    private static String listening(Path log) {
        try {
            Matcher m = Pattern.compile("cc-arm-server listening on (http://\\S+)").matcher(Files.readString(log));
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
