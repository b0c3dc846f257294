package org.ccarm.bench;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.ccarm.CcArmServer;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.Hold;
import org.ccarm.config.ServerConfig;
import org.ccarm.store.InMemoryConversationStore;

/**
 * The real server, built by the same factory as {@code Main}, with conversations
 * prepared beforehand so that every benchmark request changes state:
 *
 * <pre>java -cp ... org.ccarm.bench.BenchServer PORT RUNS THREADS PER_THREAD</pre>
 *
 * prepares, for each run letter in RUNS (e.g. {@code wm}: warm-up and measured) and
 * each wrk thread 1..THREADS, PER_THREAD held conversations with the ids the wrk
 * scripts send: {@link #id}. Each has operators 1001 and 1002 and is held by 1001.
 */
public final class BenchServer {

    private BenchServer() {}

    /** The id of a prepared conversation: 16 characters like the vendor's, e.g. {@code m10000000000002a}. */
    public static String id(char run, int thread, long n) {
        return String.format("%c%d%014x", run, thread, n);
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String runs = args[1];
        int threads = Integer.parseInt(args[2]);
        long perThread = Long.parseLong(args[3]);
        InMemoryConversationStore store = new InMemoryConversationStore();
        prepare(store, runs, threads, perThread);
        ServerConfig config = new ServerConfig("127.0.0.1", port, Optional.empty(), ServerConfig.DEFAULT_MAX_BODY_BYTES,
                List.of(new ServerConfig.DomainConfig("demo", Optional.empty())));
        CcArmServer server = CcArmServer.start(config, store, Clock.systemUTC());
        System.out.println("cc-arm-server with " + store.size() + " conversations listening on " + server.uri());
        server.join();
    }

    static void prepare(InMemoryConversationStore store, String runs, int threads, long perThread) {
        List<String> operators = List.of("1001", "1002");
        Optional<Hold> held = Optional.of(new Hold("1001", Instant.parse("2026-11-25T13:03:39.123Z")));
        for (char run : runs.toCharArray()) {
            for (int thread = 1; thread <= threads; thread++) {
                for (long n = 0; n < perThread; n++) {
                    store.put(Conversation.of("demo", id(run, thread, n), operators, held));
                }
            }
        }
    }
}
