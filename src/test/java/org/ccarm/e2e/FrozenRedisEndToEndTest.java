package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.ccarm.CcArmServer;
import org.ccarm.config.AuthConfig;
import org.ccarm.config.Limits;
import org.ccarm.config.ServerConfig;
import org.ccarm.config.StoreConfig;
import org.ccarm.testing.Await;
import org.ccarm.testing.RedisServer;
import org.ccarm.testing.TestConfigs;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A command waiting on Redis holds no server thread: with a real redis-server stopped by
 * SIGSTOP and 1,000 commands waiting on it, liveness, a 404, a 401 and an unknown-command
 * websocket frame are still answered at once, and every waiting command gets its 503
 * {@code store_unavailable} within its deadline. Once each waiting command held one of
 * Jetty's 200 threads, and everything else queued behind them. Run twice: without
 * sessions the commands wait in the store's read and compare-and-set; with them, in the
 * lookup of their session.
 * The latencies are printed; the bounds here are loose (a loaded machine), the benchmark's
 * row is the measure.
 */
class FrozenRedisEndToEndTest {

    private static final int WAITING = 1_000;
    private static final long STORE_TIMEOUT_MILLIS = 3_000;
    /** A probe answered at once takes milliseconds; once it queued behind the waiting commands for seconds. */
    private static final long PROBE_BOUND_MILLIS = 1_000;

    private static RedisServer redis;
    private static CcArmServer open;
    private static CcArmServer guarded;
    /** Bodies must arrive within 1 s; the store may take 3. */
    private static CcArmServer quickBodies;
    private static String token;
    private static WebSocketClient client;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        Limits limits = Limits.DEFAULTS;
        ServerConfig config = TestConfigs.config(new Limits(limits.maxBodyBytes(), limits.maxConnections(), 2 * WAITING,
                        limits.headerTimeoutMillis(), limits.bodyTimeoutMillis(), limits.minBodyBytesPerSecond(),
                        limits.maxHeaderBytes(), limits.websocketIdleMillis(), limits.eventQueue(), limits.acceptQueueSize()),
                Optional.of(RunningServer.TOKEN), "demo")
                .withStore(new StoreConfig("redis", redis.url(), STORE_TIMEOUT_MILLIS, "frozen", 0));
        open = CcArmServer.start(config);
        quickBodies = CcArmServer.start(config.withLimits(new Limits(limits.maxBodyBytes(), limits.maxConnections(),
                limits.maxConnectionsPerAddress(), limits.headerTimeoutMillis(), 1_000, limits.minBodyBytesPerSecond(),
                limits.maxHeaderBytes(), limits.websocketIdleMillis(), limits.eventQueue(), limits.acceptQueueSize())));
        guarded = CcArmServer.start(config.withAuth(AuthConfig.REQUIRED));
        assertTrue(HTTP.send(HttpRequest.newBuilder(URI.create(guarded.uri() + "admin/domains/demo/operators/1001"))
                .header("Authorization", "Bearer " + RunningServer.TOKEN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"password\": \"demo-1001\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() < 300);
        HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(URI.create(guarded.uri()
                        + "demo/service/cc/arm/login")).header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString(Sessions.loginXml("1001", "demo-1001"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, login.statusCode(), login.body());
        token = login.body().replaceAll("(?s).*token=\"([^\"]+)\".*", "$1");
        client = new WebSocketClient();
        client.start();
    }

    @AfterAll
    static void stop() throws Exception {
        client.stop();
        open.close();
        guarded.close();
        quickBodies.close();
        redis.close();
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /** How long a probe took, in ms; it must also answer {@code status}. */
    private static long probe(String what, URI uri, int status) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        long millis = millisSince(start);
        assertEquals(status, response.statusCode(), what + ": " + response.body());
        return millis;
    }

    @Test
    void commandsWaitingInTheStoreHoldNoThread() throws Throwable {
        whileAThousandCommandsWaitOnAFrozenRedis(open, null);
    }

    @Test
    void commandsWaitingForTheirSessionHoldNoThread() throws Throwable {
        whileAThousandCommandsWaitOnAFrozenRedis(guarded, token);
    }

    /**
     * The switch feed waits without a thread too: with 1,000 of its PUTs waiting on a frozen
     * Redis (more than Jetty has threads), a 404 is answered at once and each PUT gets its 503
     * {@code store_unavailable} within its deadline.
     */
    @Test
    void feedRequestsWaitingOnTheStoreHoldNoThread() throws Exception {
        redis.freeze();
        List<Socket> waiting = new ArrayList<>();
        List<Long> sent = new ArrayList<>();
        try {
            byte[] body = "{\"operators\": [\"1001\"]}".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < WAITING; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", open.uri().getPort()));
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(("PUT /admin/domains/demo/conversations/feed-frozen-" + i + " HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\nAuthorization: Bearer " + RunningServer.TOKEN + "\r\n"
                        + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(body);
                sent.add(System.nanoTime());
                waiting.add(socket);
            }
            Await.until(() -> open.openConnections() >= WAITING, "every PUT is in, waiting on Redis");
            long notFound = probe("a 404", URI.create(open.uri() + "no/such/path"), 404);
            System.out.printf("with %d feed PUTs waiting on a frozen Redis: a 404 %d ms%n", WAITING, notFound);
            assertTrue(notFound < PROBE_BOUND_MILLIS, "404 " + notFound + " ms");
            for (int i = 0; i < WAITING; i++) {
                String response = readResponse(waiting.get(i).getInputStream());
                long millis = millisSince(sent.get(i));
                assertTrue(response.startsWith("HTTP/1.1 503"), response);
                assertTrue(response.contains("\"error\":\"store_unavailable\""), response);
                assertTrue(millis < STORE_TIMEOUT_MILLIS + 2_000, "a 503 " + millis + " ms after its request");
            }
        } finally {
            redis.thaw();
            for (Socket socket : waiting) {
                socket.close();
            }
        }
    }

    /**
     * The body's deadline ends with the body: a command that waits longer than it after its
     * body came in two packets gets its own answer (503 at the store's deadline), not a
     * timeout of the request (Jetty armed the body's timer once and it once fired while the
     * command waited, answering Jetty's 500 over the command's answer).
     */
    @Test
    void aCommandWaitingLongerThanTheBodyDeadlineAfterItsBodyGetsItsOwnAnswer() throws Exception {
        byte[] body = RunningServer.unholdXml("slow-body", null).getBytes(StandardCharsets.UTF_8);
        redis.freeze();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", quickBodies.uri().getPort()));
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST /demo/service/cc/arm/call_unhold HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/xml\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body, 0, 10);
            socket.getOutputStream().flush();
            // the client's pace, not a wait for the server: the rest of the body 300 ms later, in a packet of its own
            LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
            socket.getOutputStream().write(body, 10, body.length - 10);
            String response = readResponse(socket.getInputStream());
            assertTrue(response.startsWith("HTTP/1.1 503"), response);
            assertTrue(response.contains("reason=\"store_unavailable\""), response);
        } finally {
            redis.thaw();
        }
    }

    /**
     * Everything else is answered while they wait, and each gets its 503 in time.
     *
     * @param token the session the waiting commands act in; null without sessions
     */
    private static void whileAThousandCommandsWaitOnAFrozenRedis(CcArmServer server, String token) throws Throwable {
        URI ws = URI.create("ws://" + server.uri().getAuthority() + "/demo/service/cc/arm/ws");
        try (FrameClient frames = FrameClient.connect(client, ws)) {
            redis.freeze();
            List<Socket> waiting = new ArrayList<>();
            List<Long> sent = new ArrayList<>();
            try {
                for (int i = 0; i < WAITING; i++) {
                    byte[] body = RunningServer.unholdXml("frozen-" + i, null).getBytes(StandardCharsets.UTF_8);
                    Socket socket = new Socket();
                    socket.connect(new InetSocketAddress("127.0.0.1", server.uri().getPort()));
                    socket.setSoTimeout(30_000);
                    socket.getOutputStream().write(("POST /demo/service/cc/arm/call_unhold HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                            + "Content-Type: application/xml\r\nContent-Length: " + body.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().write(body);
                    sent.add(System.nanoTime());
                    waiting.add(socket);
                }
                // without sessions they are admitted and wait in the store (in flight); with them they wait for their
                // sessions before admission, where only their connections can be counted
                Await.until(() -> token == null ? commandsInFlight(server) >= WAITING : server.openConnections() >= WAITING,
                        "every one of them is in, waiting on Redis");

                long live = probe("liveness", URI.create(server.opsUri() + "health/live"), 200);
                long notFound = probe("a 404", URI.create(server.uri() + "no/such/path"), 404);
                long unauthenticated = token == null ? 0 : millis(() -> assertEquals(401, HTTP.send(HttpRequest
                        .newBuilder(URI.create(server.uri() + "demo/service/cc/arm/call_unhold"))
                        .header("Content-Type", "application/xml").timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(RunningServer.unholdXml("x", null))).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode(), "no token: 401"));
                long start = System.nanoTime();
                frames.send(WebSocketEndToEndTest.frame("0042", "no_such_command", "[]"));
                String answer = frames.receive();
                long frame = millisSince(start);
                assertEquals(404, Sessions.status(answer), answer);
                System.out.printf("with %d commands waiting on a frozen Redis (%s): liveness %d ms, a 404 %d ms, "
                        + "a 401 %d ms, an unknown-command frame %d ms%n", WAITING, token == null ? "in the store"
                        : "for their sessions", live, notFound, unauthenticated, frame);
                assertTrue(live < PROBE_BOUND_MILLIS && notFound < PROBE_BOUND_MILLIS && frame < PROBE_BOUND_MILLIS
                        && unauthenticated < PROBE_BOUND_MILLIS, "liveness " + live + " ms, 404 " + notFound
                        + " ms, 401 " + unauthenticated + " ms, frame " + frame + " ms");

                long latest = 0;
                for (int i = 0; i < WAITING; i++) {
                    String response = readResponse(waiting.get(i).getInputStream());
                    long millis = millisSince(sent.get(i));
                    latest = Math.max(latest, millis);
                    assertTrue(response.startsWith("HTTP/1.1 503"), response);
                    assertTrue(response.contains("reason=\"store_unavailable\""), response);
                    assertTrue(millis < STORE_TIMEOUT_MILLIS + 2_000, "a 503 " + millis + " ms after its request");
                }
                System.out.printf("each of them got its 503 within %d ms of its request (deadline %d ms)%n", latest,
                        STORE_TIMEOUT_MILLIS);
            } finally {
                redis.thaw();
                for (Socket socket : waiting) {
                    socket.close();
                }
            }
        }
    }

    /** {@code ccarm_commands_in_flight}, as the operations listener reports it (it does not wait on Redis). */
    private static double commandsInFlight(CcArmServer server) {
        try {
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(server.opsUri() + "metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines().filter(line -> line.startsWith("ccarm_commands_in_flight "))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1))).findFirst().orElse(0);
        } catch (Exception e) {
            return 0;
        }
    }

    /** How long {@code check} took, in ms. */
    private static long millis(Executable check) throws Throwable {
        long start = System.nanoTime();
        check.execute();
        return millisSince(start);
    }

    /** One HTTP response, head and the body its Content-Length names. */
    private static String readResponse(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int at = text.toLowerCase().indexOf("content-length:");
        if (at < 0) {
            return text;
        }
        int length = Integer.parseInt(text.substring(at + 15, text.indexOf("\r\n", at)).trim());
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
