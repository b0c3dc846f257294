package org.ccarm.e2e;

import static org.ccarm.e2e.Sessions.frame;
import static org.ccarm.e2e.Sessions.json;
import static org.ccarm.e2e.Sessions.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.ccarm.config.AuthConfig;
import org.ccarm.testing.TestConfigs;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Idle expiry over a real websocket, with a session idle time of 1.5 s: pings keep a
 * session alive, so does an open event stream, and a session left idle expires and its
 * connection is closed (1008).
 */
class SessionExpiryEndToEndTest {

    private static final long IDLE_MILLIS = 1_500;

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer(TestConfigs.config(Optional.of(RunningServer.TOKEN), "demo")
            .withAuth(new AuthConfig(true, IDLE_MILLIS, 3_600_000, 5, 20, 60_000, List.of(), List.of())));

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static WebSocketClient client;

    @BeforeAll
    static void start() throws Exception {
        assertEquals(201, SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN)
                .contentType("application/json").body("{\"password\": \"demo-1001\"}")
                .put("/admin/domains/demo/operators/1001").statusCode());
        client = new WebSocketClient();
        client.start();
    }

    @AfterAll
    static void stop() throws Exception {
        client.stop();
    }

    private static FrameClient loggedIn() throws Exception {
        FrameClient frames = FrameClient.connect(client,
                URI.create("ws://" + SERVER.uri().getAuthority() + "/demo/service/cc/arm/ws"));
        frames.send(frame("0001", "login", json("login", Map.of("operator_id", "1001", "password", "demo-1001"))));
        assertEquals(200, status(frames.receive()));
        return frames;
    }

    @Test
    void pingsKeepTheSessionAlive() throws Exception {
        try (FrameClient frames = loggedIn()) {
            long until = System.nanoTime() + Duration.ofMillis(3 * IDLE_MILLIS).toNanos();
            while (System.nanoTime() < until) {
                frames.ping();
                LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
            }
            assertTrue(frames.isOpen(), "twice the idle time, with pings");
            frames.send(frame("0002", "call_unhold", JsonFormEndToEndTest.unholdJson("no-such")));
            assertEquals(403, status(frames.receive()), "the session still serves: the rules answer, not 401");
        }
    }

    /** A page that only watches its event stream is not logged out at the idle limit. */
    @Test
    void anOpenEventStreamKeepsTheSessionAlive() throws Exception {
        String token = Sessions.login(SERVER, "demo", "1001", "demo-1001");
        HttpResponse<Stream<String>> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create(SERVER.uri() + "demo/service/cc/arm/events"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (Stream<String> body = response.body()) {
                body.forEach(lines::add);
            } catch (RuntimeException e) {
                // closed by the test
            }
            lines.add("<end>");
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            // the stream stays open, and says nothing of its session ending, for three times the idle time
            long until = System.nanoTime() + Duration.ofMillis(3 * IDLE_MILLIS).toNanos();
            for (long left; (left = until - System.nanoTime()) > 0; ) {
                String line = lines.poll(left, TimeUnit.NANOSECONDS);
                assertTrue(line == null || !(line.equals("<end>") || line.startsWith("event: session")),
                        "the stream ended: " + line);
            }
            assertEquals(403, SERVER.request().header("Authorization", "Bearer " + token).contentType("application/xml")
                    .body(RunningServer.unholdXml("no-such", null)).post("/demo/service/cc/arm/call_unhold").statusCode(),
                    "the session still serves: the rules answer, not 401");
        } finally {
            response.body().close();
        }
    }

    @Test
    void anIdleSessionExpiresAndItsConnectionIsClosedWith1008() throws Exception {
        try (FrameClient frames = loggedIn()) {
            assertEquals(StatusCode.POLICY_VIOLATION, frames.awaitClose());
        }
    }
}
