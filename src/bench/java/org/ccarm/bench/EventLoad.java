package org.ccarm.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * The subscribers of the event rows: SUBSCRIBERS websocket connections, subscriber i
 * watching operator FIRST_OPERATOR + i, and one supervisor watching the whole domain, all
 * resuming from the stream position the server printed (so that nobody needs a snapshot
 * of the prepared conversations). While the HTTP load runs, a probe changes conversations
 * of its own ({@code s000000000000000}..9, which BenchServer prepares with {@code free:10})
 * about PROBES_PER_SECOND times a second and times each change from its answer to the
 * supervisor's frame.
 *
 * <pre>java -cp ... org.ccarm.bench.EventLoad WS_URI HTTP_BASE SUBSCRIBERS FIRST_OPERATOR EPOCH SINCE WARMUP_S DURATION_S PROBES_PER_SECOND</pre>
 *
 * prints {@code subscribed=N} once every subscription is answered, then probes for
 * WARMUP_S seconds (not counted) and DURATION_S seconds (counted), and prints one line: {@code events=... supervisor_events=... probes=... lost=... latency_p50_us=... latency_p99_us=... closed=...}.
 */
public final class EventLoad {

    private final AtomicLong events = new AtomicLong();
    private final AtomicLong closedByServer = new AtomicLong();
    private final BlockingQueue<Long> probeFrames = new LinkedBlockingQueue<>();

    private EventLoad() {}

    public static void main(String[] args) throws Exception {
        new EventLoad().run(URI.create(args[0]), URI.create(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                args[4], args[5], Long.parseLong(args[6]), Long.parseLong(args[7]), Integer.parseInt(args[8]));
    }

    private static String subscribe(String attributes) {
        String body = "[{\"_name\":\"in\",\"_content\":[{\"_name\":\"request\",\"_content\":[{\"_name\":\"subscribe\","
                + "\"_attributes\":{" + attributes + "}}]}]}]";
        return "01" + String.format("%010d", 48 + body.length()) + "0001" + String.format("%-32s", "subscribe") + body;
    }

    private void run(URI ws, URI http, int subscribers, int firstOperator, String epoch, String since, long warmup,
                     long seconds, int probesPerSecond) throws Exception {
        WebSocketClient client = new WebSocketClient();
        client.setIdleTimeout(Duration.ofMinutes(5));
        client.start();
        String resume = "\"since\":\"" + since + "\",\"epoch\":\"" + epoch + "\"";
        List<Subscriber> all = new ArrayList<>();
        Subscriber supervisor = new Subscriber(true);
        client.connect(supervisor, ws).get(10, TimeUnit.SECONDS);
        supervisor.subscribe(subscribe(resume));
        all.add(supervisor);
        for (int i = 0; i < subscribers; i++) {
            Subscriber subscriber = new Subscriber(false);
            client.connect(subscriber, ws).get(10, TimeUnit.SECONDS);
            subscriber.subscribe(subscribe("\"operator_id\":\"" + (firstOperator + i) + "\"," + resume));
            all.add(subscriber);
        }
        for (Subscriber subscriber : all) {
            if (!subscriber.answered.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a subscription was not answered");
            }
        }
        System.out.println("subscribed=" + all.size());
        System.out.flush();

        Histogram latency = new Histogram(3);
        long probes = 0;
        long lost = 0;
        HttpClient probeClient = HttpClient.newHttpClient();
        long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        long pause = 1_000 / Math.max(1, probesPerSecond);
        for (int n = 0; System.nanoTime() < end; n++) {
            String conversation = BenchServer.poolId(n / 2 % 10);
            String command = n % 2 == 0 ? "call_hold" : "call_unhold";
            HttpResponse<String> answer = probeClient.send(HttpRequest.newBuilder(http.resolve("/demo/service/cc/arm/" + command))
                    .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofString(
                            "<in><request><" + command + " conversation_id=\"" + conversation + "\" operator_id=\"1001\"/>"
                                    + "</request></in>")).build(), HttpResponse.BodyHandlers.ofString());
            long answeredAt = System.nanoTime();
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("the probe's " + command + ": " + answer.statusCode() + " " + answer.body());
            }
            Long frameAt = probeFrames.poll(5, TimeUnit.SECONDS);
            if (answeredAt < measureFrom) {
                // warming up: not counted
            } else if (frameAt == null) {
                probes++;
                lost++;
            } else {
                probes++;
                // a frame may come before the client has read the answer: then the delay is nothing
                latency.recordValue(Math.max(0, frameAt - answeredAt) / 1_000);
            }
            TimeUnit.MILLISECONDS.sleep(pause); // pacing a probe, not a test waiting on a condition
        }
        System.out.printf("events=%d supervisor_events=%d probes=%d lost=%d latency_p50_us=%d latency_p99_us=%d closed=%d%n",
                events.get(), supervisor.received.get(), probes, lost, latency.getValueAtPercentile(50),
                latency.getValueAtPercentile(99), closedByServer.get());
        CountDownLatch closed = new CountDownLatch(all.size());
        all.forEach(subscriber -> subscriber.close(closed));
        closed.await(10, TimeUnit.SECONDS);
        client.stop();
    }

    /** One subscription; the supervisor's also notes when the probe's changes arrive. */
    public final class Subscriber implements Session.Listener.AutoDemanding {
        private final boolean supervisor;
        final CountDownLatch answered = new CountDownLatch(1);
        final AtomicLong received = new AtomicLong();
        private Session session;

        Subscriber(boolean supervisor) {
            this.supervisor = supervisor;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        void subscribe(String frame) {
            session.sendText(frame, Callback.NOOP);
        }

        @Override
        public void onWebSocketText(String frame) {
            if (Character.isDigit(frame.charAt(16))) { // the subscription's answer
                if (!frame.startsWith("200", 16)) {
                    throw new IllegalStateException("subscribe refused: " + frame);
                }
                answered.countDown();
                return;
            }
            events.incrementAndGet();
            received.incrementAndGet();
            if (supervisor && frame.contains("\"conversation_id\":\"s0000000000000")) {
                probeFrames.add(System.nanoTime());
            }
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, org.eclipse.jetty.websocket.api.Callback callback) {
            if (statusCode == 1008) {
                closedByServer.incrementAndGet();
            }
            callback.succeed();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            // connections closing at the end of the run
        }

        void close(CountDownLatch closed) {
            session.close(1000, "done", Callback.from(closed::countDown, failure -> closed.countDown()));
        }
    }
}
