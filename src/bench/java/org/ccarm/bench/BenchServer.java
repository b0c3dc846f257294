package org.ccarm.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ccarm.CcArmServer;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.Hold;
import org.ccarm.config.AuditConfig;
import org.ccarm.config.AuthConfig;
import org.ccarm.config.Limits;
import org.ccarm.config.OpsConfig;
import org.ccarm.config.ServerConfig;
import org.ccarm.config.SipConfig;
import org.ccarm.config.StoreConfig;
import org.ccarm.config.TlsConfig;
import org.ccarm.events.EventLog;
import org.ccarm.store.ConversationStore;
import org.ccarm.store.InMemoryConversationStore;

/**
 * The real server, built by the same factory as {@code Main}, with conversations
 * prepared beforehand so that every benchmark request is a real 200 with a change:
 *
 * <pre>java -cp ... org.ccarm.bench.BenchServer PORT SPEC[,SPEC...]</pre>
 *
 * <ul>
 *   <li>{@code held:RUN:THREADS:PER_THREAD} prepares, for run letter RUN and each
 *       client thread or connection 1..THREADS, PER_THREAD held conversations with the
 *       ids the load scripts send ({@link #id}); each has operators 1001 and 1002 and is
 *       held by 1001, so each request releases a distinct one;</li>
 *   <li>{@code free:SIZE} prepares SIZE conversations that are not held
 *       ({@link #poolId}), for the scaling rows that hold and release them in turn.</li>
 * </ul>
 */
public final class BenchServer {

    private static final List<String> OPERATORS = List.of("1001", "1002");
    private static final Instant SINCE = Instant.parse("2026-11-25T13:03:39.123Z");

    /** {@code -Dccarm.bench.spread=N}: held conversations belong to operators 2000..2000+N-1 in turn (the event rows). */
    private static final long SPREAD = Long.getLong("ccarm.bench.spread", 0);
    private static final long SPREAD_FIRST = 2000;
    /** The event rows' 1,001 websockets come from one loopback address, past the default 1,000 per address. */
    private static final Limits SUBSCRIBERS_FROM_ONE_ADDRESS = new Limits(64 * 1024, 10_000, 5_000, 10_000, 10_000, 256, 8_192,
            300_000, Limits.DEFAULTS.eventQueue());

    private BenchServer() {}

    /** A held conversation's id: 16 characters like the vendor's, e.g. {@code m10000000000002a}. */
    public static String id(char run, int thread, long n) {
        return String.format("%c%d%014x", run, thread, n);
    }

    /** A pool conversation's id, e.g. {@code s000000000000041}. */
    public static String poolId(long index) {
        return String.format("s%015d", index);
    }

    /**
     * {@code -Dccarm.store=redis -Dccarm.redis.url=redis://...} serves from Redis (prepared
     * from 16 threads at once, which Lettuce pipelines); else from memory.
     * {@code -Dccarm.audit.durability=synced} for the synced-audit row, {@code -Dccarm.metrics=false}
     * for the row without metrics.
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        StoreConfig storeConfig = "redis".equals(System.getProperty("ccarm.store"))
                ? new StoreConfig("redis", System.getProperty("ccarm.redis.url"), 1_000, "ccarm", 0) : StoreConfig.MEMORY;
        ConversationStore store = CcArmServer.openStore(storeConfig);
        long prepared = 0;
        for (String spec : args[1].split(",")) {
            prepared += prepare(store, spec.split(":"));
        }
        boolean sessions = "required".equals(System.getProperty("ccarm.auth"));
        ServerConfig config = new ServerConfig("127.0.0.1", port, sessions ? Optional.of(ADMIN_TOKEN) : Optional.empty(),
                SPREAD > 0 ? SUBSCRIBERS_FROM_ONE_ADDRESS : Limits.DEFAULTS, AuditConfig.BATCHED.withDurability(System.getProperty("ccarm.audit.durability", "batched")), storeConfig,
                new OpsConfig("127.0.0.1", Integer.getInteger("ccarm.ops.port", 0),
                        !"false".equals(System.getProperty("ccarm.metrics")), 0),
                List.of(new ServerConfig.DomainConfig("demo", Optional.empty(), SIP_PORT == null ? Optional.empty()
                        : Optional.of(BenchServer.class.getResource("/config/demo-operators.json")))),
                sessions ? AuthConfig.REQUIRED : AuthConfig.OFF, TlsConfig.NONE);
        if (SIP_PORT != null) { // the SIP rows: the demo's operators (their phones register) and calls up to 20,000
            config = config.withSip(new SipConfig(true, "127.0.0.1", SIP_PORT, SipConfig.LOOPBACK, Optional.empty(), 3600,
                    "inactive", 4_000, 30_000, 20_000, Optional.empty(), 12_000, 10_000, 60_000));
        }
        CcArmServer server = CcArmServer.start(config, store, Clock.systemUTC());
        if (sessions) {
            // operator 1001 (the holder of every prepared conversation) logs in; the load sends its token as a bearer
            System.out.println("bench token: " + logIn(server.uri()));
        }
        EventLog.Position events = store.events().position("demo");
        // where the event stream stands once prepared: the event rows' subscribers resume from here, without a snapshot
        System.out.println("bench events: " + events.epoch() + " " + events.lastSeq());
        System.gc(); // start measured runs without the preparation's garbage
        System.out.println("cc-arm-server with " + prepared + " conversations (" + storeConfig.kind()
                + ") listening on " + server.uri());
        server.join();
    }

    /** {@code -Dccarm.sip.port=N}: SIP on, on that port (the SIP rows); otherwise off. */
    private static final Integer SIP_PORT = Integer.getInteger("ccarm.sip.port");

    private static final String ADMIN_TOKEN = "bench-admin-token-of-at-least-32-characters";

    /** Creates operator 1001 through the feed and logs it in; its session's token. */
    private static String logIn(URI base) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(base.resolve("/admin/domains/demo/operators/1001"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"password\": \"bench-1001\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("creating the bench operator: " + created.statusCode() + " " + created.body());
        }
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(base.resolve("/demo/service/cc/arm/login"))
                .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofString(
                        "<in><request><login operator_id=\"1001\" password=\"bench-1001\"/></request></in>")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher token = Pattern.compile("token=\"([^\"]+)\"").matcher(login.body());
        if (login.statusCode() != 200 || !token.find()) {
            throw new IllegalStateException("the bench login: " + login.statusCode() + " " + login.body());
        }
        return token.group(1);
    }

    private static long prepare(ConversationStore store, String[] spec) throws InterruptedException {
        List<Conversation> conversations = new ArrayList<>();
        switch (spec[0]) {
            case "held" -> {
                char run = spec[1].charAt(0);
                int threads = Integer.parseInt(spec[2]);
                long perThread = Long.parseLong(spec[3]);
                Optional<Hold> held = Optional.of(new Hold("1001", SINCE));
                for (int thread = 1; thread <= threads; thread++) {
                    for (long n = 0; n < perThread; n++) {
                        if (SPREAD > 0) { // the event rows: held by one of SPREAD operators, each watched by a subscriber
                            String operator = Long.toString(SPREAD_FIRST + n % SPREAD);
                            conversations.add(Conversation.of("demo", id(run, thread, n), List.of(operator, "1002"),
                                    Optional.of(new Hold(operator, SINCE))));
                        } else {
                            conversations.add(Conversation.of("demo", id(run, thread, n), OPERATORS, held));
                        }
                    }
                }
            }
            case "free" -> {
                long size = Long.parseLong(spec[1]);
                for (long i = 0; i < size; i++) {
                    // the event rows: pool conversation i belongs to operator 2000 + i % SPREAD (and 1002)
                    conversations.add(Conversation.of("demo", poolId(i), SPREAD > 0
                            ? List.of(Long.toString(SPREAD_FIRST + i % SPREAD), "1002") : OPERATORS, Optional.empty()));
                }
            }
            default -> throw new IllegalArgumentException("unknown spec " + String.join(":", spec));
        }
        ExecutorService pool = Executors.newFixedThreadPool(store instanceof InMemoryConversationStore ? 1 : 16);
        int parts = store instanceof InMemoryConversationStore ? 1 : 16;
        for (int part = 0; part < parts; part++) {
            int first = part;
            pool.submit(() -> {
                for (int i = first; i < conversations.size(); i += parts) {
                    store.put(conversations.get(i));
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        return conversations.size();
    }
}
