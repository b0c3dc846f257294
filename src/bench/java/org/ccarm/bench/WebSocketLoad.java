package org.ccarm.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * The websocket row's load generator (wrk speaks no websocket): CONNECTIONS
 * connections, each keeping DEPTH call_unhold frames in flight (pipelined), each frame
 * releasing a distinct conversation that BenchServer prepared. Latency is from a
 * frame's send to its answer, in an HdrHistogram; a warm-up runs first on the same
 * connections and is not counted.
 *
 * <pre>java -cp ... org.ccarm.bench.WebSocketLoad WS_URI CONNECTIONS DEPTH WARMUP_S DURATION_S [SERVER_PID CLK_TCK]</pre>
 *
 * prints one line: {@code requests=... seconds=... rps=... p50_us=... p99_us=... non2xx=...}, with
 * {@code server_cpu_us=...} (the server process's CPU time in the measured window) when
 * its pid is given.
 */
public final class WebSocketLoad {

    private static final String BODY = "[{\"_name\":\"in\",\"_content\":[{\"_name\":\"request\",\"_content\":"
            + "[{\"_name\":\"call_unhold\",\"_attributes\":{\"conversation_id\":\"%s\"}}]}]}]";

    private final Recorder latencies = new Recorder(3);
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong non2xx = new AtomicLong();
    private volatile boolean running = true;

    private WebSocketLoad() {}

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int connections = Integer.parseInt(args[1]);
        int depth = Integer.parseInt(args[2]);
        long warmup = Long.parseLong(args[3]);
        long duration = Long.parseLong(args[4]);
        Path serverStat = args.length > 6 ? Path.of("/proc", args[5], "stat") : null;
        long ticksPerSecond = args.length > 6 ? Long.parseLong(args[6]) : 100;
        new WebSocketLoad().run(uri, connections, depth, warmup, duration, serverStat, ticksPerSecond);
    }

    /** User plus system CPU time of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    private static long cpuTicks(Path stat) throws IOException {
        if (stat == null) {
            return 0;
        }
        String line = Files.readString(stat);
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private void run(URI uri, int connections, int depth, long warmupSeconds, long durationSeconds, Path serverStat,
                     long ticksPerSecond) throws Exception {
        WebSocketClient client = new WebSocketClient();
        client.setIdleTimeout(Duration.ofMinutes(5));
        client.start();
        List<Connection> all = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Connection connection = new Connection(c + 1, depth);
            client.connect(connection, uri).get(10, TimeUnit.SECONDS);
            all.add(connection);
        }
        all.forEach(Connection::fill);
        TimeUnit.SECONDS.sleep(warmupSeconds); // a benchmark's fixed warm-up, not a test waiting on a condition
        latencies.reset();
        long non2xxBefore = non2xx.get();
        long before = answered.get();
        long cpuBefore = cpuTicks(serverStat);
        long start = System.nanoTime();
        TimeUnit.SECONDS.sleep(durationSeconds);
        long requests = answered.get() - before;
        double seconds = (System.nanoTime() - start) / 1e9;
        long cpuTicks = cpuTicks(serverStat) - cpuBefore;
        Histogram histogram = latencies.getIntervalHistogram();
        running = false;
        System.out.printf("requests=%d seconds=%.2f rps=%.0f p50_us=%d p99_us=%d non2xx=%d%s%n", requests, seconds,
                requests / seconds, histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99),
                non2xx.get() - non2xxBefore,
                serverStat == null ? "" : " server_cpu_us=" + cpuTicks * 1_000_000 / ticksPerSecond);
        CountDownLatch closed = new CountDownLatch(all.size());
        all.forEach(connection -> connection.close(closed));
        closed.await(10, TimeUnit.SECONDS);
        client.stop();
    }

    /** One connection: keeps DEPTH frames in flight, each naming the next prepared conversation of its own. */
    public final class Connection implements Session.Listener.AutoDemanding {
        private final int number;
        private final int depth;
        private final long[] sentAt = new long[10_000]; // by frame id
        private Session session;
        private long next;

        Connection(int number, int depth) {
            this.number = number;
            this.depth = depth;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        void fill() {
            for (int i = 0; i < depth; i++) {
                send();
            }
        }

        private synchronized void send() {
            int id = (int) (next % 10_000);
            String conversation = BenchServer.id('m', number, next++);
            String body = String.format(BODY, conversation);
            String frame = "01" + String.format("%010d", 48 + body.length()) + String.format("%04d", id)
                    + String.format("%-32s", "call_unhold") + body;
            sentAt[id] = System.nanoTime();
            session.sendText(frame, Callback.NOOP);
        }

        private synchronized long sentAt(int id) {
            return sentAt[id];
        }

        @Override
        public void onWebSocketText(String answer) {
            int id = Integer.parseInt(answer, 12, 16, 10);
            latencies.recordValue((System.nanoTime() - sentAt(id)) / 1_000);
            if (!answer.startsWith("200", 16)) {
                non2xx.incrementAndGet();
            }
            answered.incrementAndGet();
            if (running) {
                send();
            }
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            // connections closing at the end of the run; the counts above are what is reported
        }

        void close(CountDownLatch closed) {
            session.close(1000, "done", Callback.from(closed::countDown, failure -> closed.countDown()));
        }
    }
}
