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
import org.ccarm.CcArmServer;
import org.ccarm.config.Limits;
import org.ccarm.config.ServerConfig;
import org.ccarm.config.StoreConfig;
import org.ccarm.testing.RedisServer;
import org.ccarm.testing.TestConfigs;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A command waiting on Redis holds no server thread (docs/protocol.md, section 8): with a
 * real redis-server stopped by SIGSTOP and 1,000 commands waiting on it, liveness, a 404
 * and an unknown-command websocket frame are still answered at once, and every waiting
 * command gets its 503 {@code store_unavailable} within its deadline. Once each waiting
 * command held one of Jetty's 200 threads, and everything else queued behind them.
 * The latencies are printed; the bounds here are loose (a loaded machine), the benchmark's
 * row is the measure.
 */
class FrozenRedisEndToEndTest {

    private static final int WAITING = 1_000;
    private static final long STORE_TIMEOUT_MILLIS = 3_000;
    /** A probe answered at once takes milliseconds; once it queued behind the waiting commands for seconds. */
    private static final long PROBE_BOUND_MILLIS = 1_000;

    private static RedisServer redis;
    private static CcArmServer server;
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
        server = CcArmServer.start(config);
        client = new WebSocketClient();
        client.start();
    }

    @AfterAll
    static void stop() throws Exception {
        client.stop();
        server.close();
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
    void whileAThousandCommandsWaitOnAFrozenRedisEverythingElseIsAnsweredAndEachGetsItsServiceUnavailableInTime()
            throws Exception {
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
                            + "Content-Type: application/xml\r\nContent-Length: " + body.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().write(body);
                    sent.add(System.nanoTime());
                    waiting.add(socket);
                }
                Thread.sleep(300); // every one of them has reached Redis, or waits to

                long live = probe("liveness", URI.create(server.opsUri() + "health/live"), 200);
                long notFound = probe("a 404", URI.create(server.uri() + "no/such/path"), 404);
                long start = System.nanoTime();
                frames.send(WebSocketEndToEndTest.frame("0042", "no_such_command", "[]"));
                String answer = frames.receive();
                long frame = millisSince(start);
                assertEquals(404, Sessions.status(answer), answer);
                System.out.printf("with %d commands waiting on a frozen Redis: liveness %d ms, a 404 %d ms, "
                        + "an unknown-command frame %d ms%n", WAITING, live, notFound, frame);
                assertTrue(live < PROBE_BOUND_MILLIS && notFound < PROBE_BOUND_MILLIS && frame < PROBE_BOUND_MILLIS,
                        "liveness " + live + " ms, 404 " + notFound + " ms, frame " + frame + " ms");

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
