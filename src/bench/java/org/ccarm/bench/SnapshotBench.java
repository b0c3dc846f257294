package org.ccarm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ccarm.CcArmServer;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.Hold;
import org.ccarm.config.StoreConfig;
import org.ccarm.store.ConversationStore;
import org.ccarm.testing.TestConfigs;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * The snapshot row: a domain of SIZE conversations (half of them held) and one websocket
 * subscriber to the whole domain, in one JVM with the real server. Times the subscribe
 * from its send to the {@code snapshot_end} frame, and samples the heap in use (after a
 * full collection first) every 5 ms meanwhile: the peak growth is what the snapshot holds
 * at once, server and client together.
 *
 * <pre>java -cp ... org.ccarm.bench.SnapshotBench SIZE memory|redis [REDIS_URL]</pre>
 *
 * Runs it twice on new connections: cold (the JIT still compiling) and warm. Prints
 * {@code conversations=... cold_entries=... cold_snapshot_ms=... cold_heap_growth_mib=... warm_...}.
 * The heap's growth counts what was allocated and not yet collected, so it is an upper bound
 * of what the snapshot holds at once; the row runs it in a heap of 256 MiB as well.
 */
public final class SnapshotBench {

    private SnapshotBench() {}

    public static void main(String[] args) throws Exception {
        int size = Integer.parseInt(args[0]);
        StoreConfig storeConfig = "redis".equals(args[1])
                ? new StoreConfig("redis", args[2], 5_000, "snapshot-bench", 0) : StoreConfig.MEMORY;
        ConversationStore store = CcArmServer.openStore(storeConfig);
        Instant since = Instant.parse("2026-11-25T13:03:39.123Z");
        for (int i = 0; i < size; i++) {
            String operator = Integer.toString(2000 + i % 1000);
            store.put(Conversation.of("demo", BenchServer.poolId(i), List.of(operator, "1002"),
                    i % 2 == 0 ? Optional.of(new Hold(operator, since)) : Optional.empty()));
        }
        try (CcArmServer server = CcArmServer.start(TestConfigs.config(Optional.empty(), "demo").withStore(storeConfig),
                store, Clock.systemUTC())) {
            WebSocketClient client = new WebSocketClient();
            client.setIdleTimeout(Duration.ofMinutes(5));
            client.start();
            URI ws = URI.create("ws://" + server.uri().getAuthority() + "/demo/service/cc/arm/ws");
            String cold = measure(client, ws);
            String warm = measure(client, ws); // the same again, the code now compiled
            System.out.printf("conversations=%d %s warm_%s%n", size, cold.replace(" ", " cold_").replaceFirst("^", "cold_"),
                    warm.replace(" ", " warm_"));
            client.stop();
        } finally {
            store.close();
        }
    }

    /** One subscriber's whole snapshot: its entries, its time, and the heap's growth meanwhile. */
    private static String measure(WebSocketClient client, URI ws) throws Exception {
        Subscriber subscriber = new Subscriber();
        client.connect(subscriber, ws).get(10, TimeUnit.SECONDS);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        long peak = baseline;
        long start = System.nanoTime();
        subscriber.subscribe();
        while (!subscriber.done.await(5, TimeUnit.MILLISECONDS)) {
            peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        subscriber.session.close();
        return String.format("entries=%d snapshot_ms=%d heap_growth_mib=%.1f", subscriber.entries.get(), millis,
                (peak - baseline) / 1048576.0);
    }

    /** Counts the snapshot's entries until its end. */
    public static final class Subscriber implements Session.Listener.AutoDemanding {
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicLong entries = new AtomicLong();
        private Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        void subscribe() {
            String body = "[{\"_name\":\"in\",\"_content\":[{\"_name\":\"request\",\"_content\":[{\"_name\":\"subscribe\"}]}]}]";
            session.sendText("01" + String.format("%010d", 48 + body.length()) + "0001"
                    + String.format("%-32s", "subscribe") + body, Callback.NOOP);
        }

        @Override
        public void onWebSocketText(String frame) {
            if (frame.contains("\"type\":\"snapshot_end\"")) {
                done.countDown();
            } else if (frame.contains("\"type\":\"snapshot\"")) {
                entries.incrementAndGet();
            }
        }
    }
}
