package org.ccarm.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The frozen-Redis row: what the rest of the API answers while Redis is stopped (SIGSTOP)
 * and WAITING commands wait on it, against the same probes with Redis running.
 *
 * <pre>java -cp ... org.ccarm.bench.FrozenRedisLoad HTTP_BASE OPS_BASE TOKEN REDIS_PID WAITING SECONDS</pre>
 *
 * One client thread probes in turn, as fast as answers come: liveness (ops listener), a
 * 404, a 401 (a command without a token) and an unknown-command websocket frame. It does
 * so for SECONDS with Redis running, then stops Redis and opens WAITING connections (from
 * 127.0.0.2, beside the per-address limit of the probes' 127.0.0.1) that send
 * {@code call_unhold} with the session TOKEN and send it again whenever it is answered
 * (503 at the store's deadline), and probes for SECONDS more. Prints, per probe:
 * {@code <probe>_normal_rate= <probe>_frozen_rate= <probe>_frozen_p50_us= <probe>_frozen_p99_us=}
 * and {@code waiting_answers=} (the 503s the waiting commands got).
 */
public final class FrozenRedisLoad {

    private static final String[] PROBES = {"live", "not_found", "unauthenticated", "frame"};
    private static final String UNHOLD = "<in><request><call_unhold conversation_id=\"frozen\"/></request></in>";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final URI ops;
    private final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private WebSocket socket;

    private FrozenRedisLoad(URI base, URI ops) {
        this.base = base;
        this.ops = ops;
    }

    public static void main(String[] args) throws Exception {
        FrozenRedisLoad load = new FrozenRedisLoad(URI.create(args[0]), URI.create(args[1]));
        String token = args[2];
        String redisPid = args[3];
        int waiting = Integer.parseInt(args[4]);
        long seconds = Long.parseLong(args[5]);
        load.connect();
        long[] normal = new long[PROBES.length];
        load.probe(seconds, normal, new Histogram[PROBES.length]);
        signal("STOP", redisPid);
        Waiting clients = new Waiting(load.base, token, waiting);
        Histogram[] frozen = new Histogram[PROBES.length];
        long[] frozenCounts = new long[PROBES.length];
        try {
            clients.start();
            Thread.sleep(1_500); // every waiting command is in, and the first deadlines have passed
            load.probe(seconds, frozenCounts, frozen);
        } finally {
            signal("CONT", redisPid);
            clients.stop();
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < PROBES.length; i++) {
            line.append(String.format("%s_normal_rate=%.0f %s_frozen_rate=%.0f %s_frozen_p50_us=%d %s_frozen_p99_us=%d ",
                    PROBES[i], normal[i] / (double) seconds, PROBES[i], frozenCounts[i] / (double) seconds,
                    PROBES[i], frozen[i].getValueAtPercentile(50) / 1_000, PROBES[i],
                    frozen[i].getValueAtPercentile(99) / 1_000));
        }
        System.out.println(line + "waiting=" + waiting + " waiting_answers=" + clients.answers.get());
        System.exit(0);
    }

    private static void signal(String signal, String pid) throws Exception {
        if (new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start().waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
        }
    }

    private void connect() throws Exception {
        URI ws = URI.create("ws://" + base.getAuthority() + "/demo/service/cc/arm/ws");
        socket = http.newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    frames.add(text.toString());
                    text.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
    }

    /** Probes in turn for {@code seconds}; counts each kind's answers, and records their latencies when asked to. */
    private void probe(long seconds, long[] counts, Histogram[] latencies) throws Exception {
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = new Histogram(60_000_000_000L, 3);
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            for (int kind = 0; kind < PROBES.length; kind++) {
                long start = System.nanoTime();
                once(kind);
                latencies[kind].recordValue(Math.min(System.nanoTime() - start, 60_000_000_000L));
                counts[kind]++;
            }
        }
    }

    private void once(int kind) throws Exception {
        switch (kind) {
            case 0 -> expect(200, http.send(HttpRequest.newBuilder(ops.resolve("/health/live")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            case 1 -> expect(404, http.send(HttpRequest.newBuilder(base.resolve("/no/such/path")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            case 2 -> expect(401, http.send(HttpRequest.newBuilder(base.resolve("/demo/service/cc/arm/call_unhold"))
                    .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofString(UNHOLD)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            default -> {
                socket.sendText("01" + String.format("%010d", 12 + 4 + 32 + 2) + "0042" + "no_such_command"
                        + " ".repeat(32 - "no_such_command".length()) + "[]", true).get(10, TimeUnit.SECONDS);
                String answer = frames.poll(30, TimeUnit.SECONDS);
                if (answer == null || !answer.startsWith("404", 16)) {
                    throw new IllegalStateException("the unknown-command frame was answered " + answer);
                }
            }
        }
    }

    private static void expect(int status, int got) {
        if (got != status) {
            throw new IllegalStateException("expected " + status + ", got " + got);
        }
    }

    /** Connections that keep one call_unhold each waiting on Redis: sent again as soon as it is answered. */
    private static final class Waiting {
        private final URI base;
        private final byte[] request;
        private final int count;
        private final List<Socket> sockets = new ArrayList<>();
        private final List<Thread> readers = new ArrayList<>();
        final AtomicLong answers = new AtomicLong();
        private volatile boolean running = true;

        Waiting(URI base, String token, int count) {
            this.base = base;
            this.count = count;
            byte[] body = UNHOLD.getBytes(StandardCharsets.UTF_8);
            this.request = ("POST /demo/service/cc/arm/call_unhold HTTP/1.1\r\nHost: " + base.getAuthority()
                    + "\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/xml\r\nContent-Length: "
                    + body.length + "\r\n\r\n" + UNHOLD).getBytes(StandardCharsets.US_ASCII);
        }

        void start() throws IOException {
            InetAddress from = InetAddress.getByName("127.0.0.2");
            for (int i = 0; i < count; i++) {
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress(from, 0));
                socket.connect(new InetSocketAddress(base.getHost(), base.getPort()));
                socket.getOutputStream().write(request);
                sockets.add(socket);
            }
            // a few threads read the answers (each comes at its deadline) and send again
            int threads = 8;
            for (int t = 0; t < threads; t++) {
                int first = t;
                Thread reader = new Thread(() -> {
                    while (running) {
                        for (int i = first; i < sockets.size() && running; i += threads) {
                            try {
                                readAnswer(sockets.get(i).getInputStream());
                                answers.incrementAndGet();
                                OutputStream out = sockets.get(i).getOutputStream();
                                out.write(request);
                            } catch (IOException e) {
                                return; // stopped
                            }
                        }
                    }
                }, "waiting-" + t);
                reader.setDaemon(true);
                reader.start();
                readers.add(reader);
            }
        }

        void stop() throws IOException {
            running = false;
            for (Socket socket : sockets) {
                socket.close();
            }
        }

        /** One response: its head, then the body its Content-Length names. */
        private static void readAnswer(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed");
                }
                head.append((char) b);
            }
            String lower = head.toString().toLowerCase();
            int at = lower.indexOf("content-length:");
            int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).trim());
            in.readNBytes(length);
        }
    }
}
