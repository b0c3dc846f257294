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
 * of the prepared conversations). A probe changes conversations of its own (pool
 * conversations 0..9, which BenchServer prepares with {@code free:N} and
 * {@code -Dccarm.bench.spread}) 20 times a second and times each change from its answer to
 * the supervisor's frame: first while the HTTP load (wrk) runs, WARMUP_S then DURATION_S
 * (only these counted); then, once wrk is done, DURATION_S more while this program itself
 * changes pool conversations 10.. at a steady STEADY_RATE a second, a load well below what
 * the server can take (the delivery latency of a server at work, not of one saturated).
 *
 * <pre>java -cp ... org.ccarm.bench.EventLoad WS_URI HTTP_BASE SUBSCRIBERS FIRST_OPERATOR EPOCH SINCE WARMUP_S DURATION_S STEADY_RATE</pre>
 *
 * prints {@code subscribed=N} once every subscription is answered, and at the end one line:
 * {@code events=... supervisor_events=... probes=... lost=... latency_p50_us=... latency_p99_us=...
 * steady_rate=... steady_probes=... steady_lost=... steady_p50_us=... steady_p99_us=... closed=...}.
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

    private static final int PROBES_PER_SECOND = 20;
    private static final int STEADY_THREADS = 4;
    private static final int STEADY_CONVERSATIONS_PER_THREAD = 500; // pool conversations 10 + t * 500 ..

    /** What the probe measured over a window: frames timed, frames lost, the delays. */
    private record Probed(long probes, long lost, Histogram latency) {
        String line(String prefix) {
            return String.format("%sprobes=%d %slost=%d %sp50_us=%d %sp99_us=%d", prefix, probes, prefix, lost, prefix,
                    latency.getValueAtPercentile(50), prefix, latency.getValueAtPercentile(99));
        }
    }

    /** A pool conversation's operator (BenchServer with -Dccarm.bench.spread=1000). */
    private static String ownerOf(long index) {
        return Long.toString(2000 + index % 1000);
    }

    private static HttpRequest change(URI http, String command, long index) {
        return HttpRequest.newBuilder(http.resolve("/demo/service/cc/arm/" + command))
                .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofString(
                        "<in><request><" + command + " conversation_id=\"" + BenchServer.poolId(index) + "\" operator_id=\""
                                + ownerOf(index) + "\"/></request></in>")).build();
    }

    private static String subscribe(String attributes) {
        String body = "[{\"_name\":\"in\",\"_content\":[{\"_name\":\"request\",\"_content\":[{\"_name\":\"subscribe\","
                + "\"_attributes\":{" + attributes + "}}]}]}]";
        return "01" + String.format("%010d", 48 + body.length()) + "0001" + String.format("%-32s", "subscribe") + body;
    }

    private void run(URI ws, URI http, int subscribers, int firstOperator, String epoch, String since, long warmup,
                     long seconds, int steadyRate) throws Exception {
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

        HttpClient probeClient = HttpClient.newHttpClient();
        AtomicLong probeCount = new AtomicLong();
        long start = System.nanoTime();
        Probed underLoad = probe(probeClient, http, probeCount, start + TimeUnit.SECONDS.toNanos(warmup),
                start + TimeUnit.SECONDS.toNanos(warmup + seconds));
        TimeUnit.SECONDS.sleep(2); // wrk stops with its measured window: let its last requests drain
        List<Thread> steady = new ArrayList<>();
        long steadyEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 1);
        for (int t = 0; t < STEADY_THREADS; t++) {
            int thread = t;
            Thread load = new Thread(() -> steadyChanges(http, thread, steadyRate / STEADY_THREADS, steadyEnd), "steady-" + t);
            load.start();
            steady.add(load);
        }
        TimeUnit.SECONDS.sleep(1); // the steady load settles
        Probed atSteadyRate = probe(probeClient, http, probeCount, System.nanoTime(),
                System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds - 1));
        for (Thread thread : steady) {
            thread.join();
        }
        System.out.printf("events=%d supervisor_events=%d %s steady_rate=%d %s closed=%d%n", events.get(),
                supervisor.received.get(), underLoad.line("").replace("p50_us", "latency_p50_us")
                        .replace("p99_us", "latency_p99_us"), steadyRate, atSteadyRate.line("steady_"), closedByServer.get());
        CountDownLatch closed = new CountDownLatch(all.size());
        all.forEach(subscriber -> subscriber.close(closed));
        closed.await(10, TimeUnit.SECONDS);
        client.stop();
    }

    /**
     * The probe until {@code end}, counting from {@code measureFrom}: a hold or a release of
     * one of pool conversations 0..9 at a time, {@link #PROBES_PER_SECOND} a second, each
     * timed from its answer to the supervisor's frame of it.
     */
    private Probed probe(HttpClient client, URI http, AtomicLong count, long measureFrom, long end) throws Exception {
        Histogram latency = new Histogram(3);
        long probes = 0;
        long lost = 0;
        probeFrames.clear();
        while (System.nanoTime() < end) {
            long n = count.getAndIncrement();
            String command = n % 2 == 0 ? "call_hold" : "call_unhold";
            HttpResponse<String> answer = client.send(change(http, command, n / 2 % 10), HttpResponse.BodyHandlers.ofString());
            long answeredAt = System.nanoTime();
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("the probe's " + command + ": " + answer.statusCode() + " " + answer.body());
            }
            Long frameAt = probeFrames.poll(5, TimeUnit.SECONDS);
            if (answeredAt >= measureFrom) {
                probes++;
                if (frameAt == null) {
                    lost++;
                } else {
                    // a frame may come before the client has read the answer: then the delay is nothing
                    latency.recordValue(Math.max(0, frameAt - answeredAt) / 1_000);
                }
            }
            TimeUnit.MILLISECONDS.sleep(1_000 / PROBES_PER_SECOND); // pacing a probe, not a test waiting on a condition
        }
        return new Probed(probes, lost, latency);
    }

    /** One thread of the steady load: holds then releases its own pool conversations, {@code perSecond} changes a second. */
    private static void steadyChanges(URI http, int thread, int perSecond, long end) {
        HttpClient client = HttpClient.newHttpClient();
        long first = 10 + (long) thread * STEADY_CONVERSATIONS_PER_THREAD;
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, perSecond);
        long next = System.nanoTime();
        try {
            for (long n = 0; System.nanoTime() < end; n++) {
                long index = first + n % STEADY_CONVERSATIONS_PER_THREAD;
                String command = n / STEADY_CONVERSATIONS_PER_THREAD % 2 == 0 ? "call_hold" : "call_unhold";
                client.send(change(http, command, index), HttpResponse.BodyHandlers.discarding());
                next += intervalNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // pacing a load generator
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("the steady load failed", e);
        }
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
            if (supervisor && frame.contains("\"conversation_id\":\"s00000000000000")) { // pool conversations 0..9
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
