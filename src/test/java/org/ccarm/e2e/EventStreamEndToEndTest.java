package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.free;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ccarm.config.AuthConfig;
import org.ccarm.testing.Await;
import org.ccarm.testing.TestConfigs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Server-Sent Events at {@code GET /<DOMAIN>/service/cc/arm/events}, over a real socket
 * with a plain HTTP client (as curl -N or a browser's EventSource reads them): the
 * snapshot then a hold live, a resume with Last-Event-ID, the refusals, and a logout
 * ending the stream.
 */
class EventStreamEndToEndTest {

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer(TestConfigs.config(Optional.of(RunningServer.TOKEN), "demo")
            .withAuth(new AuthConfig(true, 1_800_000, 43_200_000, 5, 20, 60_000, List.of(), List.of())));

    @RegisterExtension
    static final AuditCapture AUDIT = new AuditCapture();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void operators() {
        for (String id : List.of("1001", "1002")) {
            assertTrue(SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN)
                    .contentType("application/json").body("{\"password\": \"demo-" + id + "\"}")
                    .put("/admin/domains/demo/operators/" + id).statusCode() < 300);
        }
    }

    /** One event as the stream wrote it: its fields (id, event, data). */
    record Sse(String id, String event, Map<String, String> data) {}

    /** An open event stream, read line by line on another thread. */
    static final class OpenStream implements AutoCloseable {
        final HttpResponse<Stream<String>> response;
        final BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();

        OpenStream(HttpResponse<Stream<String>> response) {
            this.response = response;
            Thread reader = new Thread(() -> {
                try (Stream<String> body = response.body()) {
                    body.forEach(line -> lines.add(Optional.of(line)));
                } catch (RuntimeException e) {
                    // closed by the test
                }
                lines.add(Optional.empty()); // the end of the stream
            }, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** The next event, skipping comment lines (pings); null when the stream ended. */
        Sse next() throws Exception {
            Map<String, String> fields = new HashMap<>();
            while (true) {
                Optional<String> line = lines.poll(20, TimeUnit.SECONDS);
                if (line == null) {
                    throw new AssertionError("no event within 20 s");
                }
                if (line.isEmpty()) {
                    return null;
                }
                if (line.get().isEmpty()) {
                    if (!fields.isEmpty()) {
                        // the session's end says just "ended"; everything else is an event's JSON form
                        Map<String, String> data = "session".equals(fields.get("event"))
                                ? Map.of("session", fields.get("data")) : EventFrames.attributes(fields.get("data"));
                        return new Sse(fields.get("id"), fields.get("event"), data);
                    }
                    continue;
                }
                if (line.get().startsWith(":")) {
                    continue;
                }
                int colon = line.get().indexOf(':');
                fields.put(line.get().substring(0, colon), line.get().substring(colon + 1).strip());
            }
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    private static HttpRequest.Builder events(String query) {
        return HttpRequest.newBuilder(URI.create(SERVER.uri() + "demo/service/cc/arm/events" + query))
                .header("Accept", "text/event-stream");
    }

    private static OpenStream open(HttpRequest request) throws Exception {
        HttpResponse<Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream;charset=utf-8", response.headers().firstValue("Content-Type").orElse("")
                .replace(" ", "").toLowerCase());
        return new OpenStream(response);
    }

    private static String body(HttpRequest request, int status) throws Exception {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), response.body());
        return response.body();
    }

    @Test
    void aStreamShowsTheSnapshotThenAHoldLiveAndResumesWithLastEventId() throws Exception {
        String id = RunningServer.uniqueId("sse");
        SERVER.add(free("demo", id, "1001"));
        String token = Sessions.login(SERVER, "demo", "1001", "demo-1001");
        String lastId;
        try (OpenStream stream = open(events("").header("Authorization", "Bearer " + token).build())) {
            List<Sse> snapshot = new ArrayList<>();
            Sse event = stream.next();
            while (event.data().get("type").equals("snapshot")) {
                assertNull(event.id(), "a snapshot entry has no id: a client cut off mid-snapshot starts over");
                assertEquals("conversation", event.event());
                snapshot.add(event);
                event = stream.next();
            }
            assertTrue(snapshot.stream().anyMatch(e -> e.data().get("conversation_id").equals(id)
                    && "1001".equals(e.data().get("operators"))), "each entry names its operators: " + snapshot);
            assertEquals("snapshot_end", event.data().get("type"));
            assertEquals(event.data().get("epoch") + "-" + event.data().get("seq"), event.id());
            long end = Long.parseLong(event.data().get("seq"));

            assertEquals(200, SERVER.request().header("Authorization", "Bearer " + token).contentType("application/xml")
                    .body(RunningServer.holdXml(id, null)).post("/demo/service/cc/arm/call_hold").statusCode());
            Sse held = stream.next();
            assertEquals("hold", held.data().get("status"));
            assertEquals(id, held.data().get("conversation_id"));
            assertEquals("1001", held.data().get("operators"));
            assertEquals(held.data().get("epoch") + "-" + (end + 1), held.id());
            lastId = held.id();
        }
        // while nobody listens, the hold is released; a resume with Last-Event-ID replays just that
        assertEquals(200, SERVER.request().header("Authorization", "Bearer " + token).contentType("application/xml")
                .body(RunningServer.unholdXml(id, null)).post("/demo/service/cc/arm/call_unhold").statusCode());
        try (OpenStream resumed = open(events("").header("Authorization", "Bearer " + token)
                .header("Last-Event-ID", lastId).build())) {
            Sse next = resumed.next();
            assertEquals("conversation", next.data().get("type"), "a replay, not a snapshot");
            assertEquals("working", next.data().get("status"));
            assertEquals(Long.parseLong(lastId.substring(lastId.lastIndexOf('-') + 1)) + 1,
                    Long.parseLong(next.data().get("seq")));
        }
    }

    @Test
    void aStreamIsRefusedWithAnOutDocumentAsAnyCommandIs() throws Exception {
        String token = Sessions.login(SERVER, "demo", "1001", "demo-1001");
        assertTrue(body(events("").build(), 401).contains("not_authenticated"));
        assertTrue(body(events("?operator_id=1002").header("Authorization", "Bearer " + token).build(), 403)
                .contains("not_permitted"));
        assertTrue(body(events("").header("Authorization", "Bearer " + token).header("Last-Event-ID", "garbage").build(),
                400).contains("invalid_document"));
        assertTrue(body(events("?since=x").header("Authorization", "Bearer " + token).build(), 400)
                .contains("invalid_document"));
        assertTrue(body(events("").header("Cookie", "ccarm_session=" + token).header("Origin", "https://evil.example")
                .build(), 403).contains("forbidden_origin"));
        assertTrue(body(events("").header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody())
                .build(), 405).contains("method_not_allowed"));
        assertTrue(body(HttpRequest.newBuilder(URI.create(SERVER.uri() + "nowhere/service/cc/arm/events")).build(), 404)
                .contains("unknown_domain"));
    }

    /**
     * A query Jetty cannot decode is a 400 like any unreadable request, audited, and the
     * call completes: it once stayed in {@code ccarm_commands_in_flight} for good.
     */
    @ParameterizedTest
    @ValueSource(strings = {"?since=%ZZ", "?operator_id=%C0%AF", "?epoch=%"})
    void anUnreadableQueryIs400AndLeavesNothingInFlight(String query) throws Exception {
        String token = Sessions.login(SERVER, "demo", "1001", "demo-1001");
        String inFlight = "ccarm_commands_in_flight";
        double before = metric(inFlight);
        String refused;
        try (RawClient client = RawClient.connect(SERVER.uri())) { // written as sent: java.net.URI refuses such a query
            refused = client.send("GET /demo/service/cc/arm/events" + query + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + token + "\r\nConnection: close\r\n\r\n").readToEnd();
        }
        assertTrue(refused.startsWith("HTTP/1.1 400") && refused.contains("reason=\"bad_request\"")
                && refused.contains("cmd=\"subscribe\""), refused);
        AUDIT.awaitLine(line -> line.contains("cmd=subscribe") && line.contains("outcome=bad_request")
                && line.contains("transport=sse"));
        assertEquals(before, metric(inFlight), 0.0, "no call left in flight");
    }

    private static double metric(String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$")
                .matcher(io.restassured.RestAssured.get(SERVER.opsUri() + "metrics").asString());
        assertTrue(m.find(), series);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void aLogoutEndsTheStreamsOfItsSession() throws Exception {
        String token = Sessions.login(SERVER, "demo", "1002", "demo-1002");
        int before = SERVER.eventSubscriptions(); // streams other tests closed are noticed only at their next ping
        try (OpenStream stream = open(events("").header("Authorization", "Bearer " + token).build())) {
            Sse event = stream.next();
            while (!event.data().get("type").equals("snapshot_end")) {
                event = stream.next();
            }
            assertEquals(200, SERVER.request().header("Authorization", "Bearer " + token).contentType("application/xml")
                    .body(Sessions.LOGOUT_XML).post("/demo/service/cc/arm/logout").statusCode());
            Sse last = stream.next();
            assertEquals("session", last.event(), "the stream says why it ends: " + last);
            assertEquals(Map.of("session", "ended"), last.data());
            assertNull(last.id(), "nothing to resume after it");
            assertNull(stream.next(), "the stream ends with its session");
            Await.until(() -> SERVER.eventSubscriptions() <= before, "its subscription ended with it");
        }
    }
}
