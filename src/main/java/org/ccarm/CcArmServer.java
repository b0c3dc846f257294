package org.ccarm;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.ccarm.audit.AuditLog;
import org.ccarm.auth.AuthStore;
import org.ccarm.auth.Authentication;
import org.ccarm.auth.InMemoryAuthStore;
import org.ccarm.auth.PasswordHashing;
import org.ccarm.command.CallHandover;
import org.ccarm.command.CarriedCalls;
import org.ccarm.command.CommandCatalog;
import org.ccarm.config.AuditConfig;
import org.ccarm.config.AuthConfig;
import org.ccarm.config.Limits;
import org.ccarm.config.ServerConfig;
import org.ccarm.config.StoreConfig;
import org.ccarm.dispatch.CommandDispatcher;
import org.ccarm.events.EventHub;
import org.ccarm.feed.ConversationJson;
import org.ccarm.feed.FixtureLoader;
import org.ccarm.feed.Fixtures;
import org.ccarm.feed.OperatorDirectory;
import org.ccarm.feed.SwitchFeed;
import org.ccarm.logging.AuditDurability;
import org.ccarm.logging.AuditTrail;
import org.ccarm.metrics.MeteredConversationStore;
import org.ccarm.metrics.Metrics;
import org.ccarm.protocol.codec.AnswerEncoder;
import org.ccarm.protocol.codec.EventEncoder;
import org.ccarm.sip.SipServer;
import org.ccarm.store.ConversationStore;
import org.ccarm.store.InMemoryConversationStore;
import org.ccarm.store.redis.RedisAuthStore;
import org.ccarm.store.redis.RedisConversationStore;
import org.ccarm.transport.WebOrigins;
import org.ccarm.transport.http.EventStreams;
import org.ccarm.transport.http.HttpRoutes;
import org.ccarm.transport.http.HttpTransport;
import org.ccarm.transport.http.RequestIds;
import org.ccarm.transport.ops.OpsServer;
import org.ccarm.transport.ops.Readiness;
import org.ccarm.transport.ws.FrameTransport;
import org.ccarm.transport.ws.WebSocketSessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one factory of the server: builds every part from a {@link ServerConfig} and
 * starts it. {@link Main} and every end-to-end test use it.
 */
public final class CcArmServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CcArmServer.class);
    /** Logins that may wait for a password check at once; more are answered 503 logins_busy. */
    private static final int LOGIN_QUEUE = 64;
    /** How often quiet websockets and event streams are pinged. */
    private static final long PING_SECONDS = 15;

    private final HttpTransport http;
    private final OpsServer ops;
    private final CommandDispatcher dispatcher;
    private final Metrics metrics;
    private final WebSocketSessions websockets;
    private final long drainMillis;
    private final long sipDrainMillis; // how long a stop waits for the SIP calls carried here to end
    private final Authentication authentication;
    private final ExecutorService continuations;
    private final ScheduledExecutorService housekeeping;
    private final EventHub events;
    private final EventStreams eventStreams;
    private final SipServer sip; // null when SIP is off
    private ConversationStore ownedStore; // closed with the server when it opened it
    private AuthStore ownedAuthStore; // likewise

    private CcArmServer(HttpTransport http, OpsServer ops, CommandDispatcher dispatcher, Metrics metrics,
                        WebSocketSessions websockets, long drainMillis, Authentication authentication,
                        ScheduledExecutorService housekeeping, EventHub events, EventStreams eventStreams,
                        ExecutorService continuations, SipServer sip, long sipDrainMillis) {
        this.continuations = continuations;
        this.sip = sip;
        this.sipDrainMillis = sipDrainMillis;
        this.events = events;
        this.eventStreams = eventStreams;
        this.drainMillis = drainMillis;
        this.authentication = authentication;
        this.housekeeping = housekeeping;
        this.http = http;
        this.ops = ops;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        this.websockets = websockets;
    }

    /** Starts on the store the configuration names (in memory, or Redis), with the configured fixtures loaded. */
    public static CcArmServer start(ServerConfig config) throws Exception {
        ConversationStore store = openStore(config.store());
        try {
            CcArmServer server = start(config, store, Clock.systemUTC());
            server.ownedStore = store;
            return server;
        } catch (Exception | Error e) {
            store.close();
            throw e;
        }
    }

    /** The one place the store is chosen from the configuration. */
    public static ConversationStore openStore(StoreConfig config) {
        if (!config.isRedis()) {
            return new InMemoryConversationStore(config.eventsRetained());
        }
        ConversationStore store = RedisConversationStore.connect(new RedisConversationStore.Settings(
                config.redisUrl(), config.prefix(), Duration.ofMillis(config.timeoutMillis()), config.waitReplicas(),
                config.eventsRetained()));
        LOG.info("store: Redis at {} (keys {}:{{<domain>}}:..., timeout {} ms)", config.redisUrl().replaceAll("//[^@/]*@", "//***@"),
                config.prefix(), config.timeoutMillis());
        return store;
    }

    /** Where operators and sessions live: beside the conversations, in memory or in the same Redis. */
    public static AuthStore openAuthStore(StoreConfig config) {
        if (!config.isRedis()) {
            return new InMemoryAuthStore();
        }
        return RedisAuthStore.connect(new RedisConversationStore.Settings(config.redisUrl(), config.prefix(),
                Duration.ofMillis(config.timeoutMillis()), config.waitReplicas()));
    }

    /**
     * Starts on {@code store}, which stays the caller's to close; operators and sessions
     * go to the store the configuration names (a Redis configuration shares them with
     * every instance on it).
     */
    public static CcArmServer start(ServerConfig config, ConversationStore plainStore, Clock clock) throws Exception {
        AuthStore authStore = openAuthStore(config.store());
        try {
            CcArmServer server = start(config, plainStore, authStore, clock);
            server.ownedAuthStore = authStore;
            return server;
        } catch (Exception | Error e) {
            authStore.close();
            throw e;
        }
    }

    private static CcArmServer start(ServerConfig config, ConversationStore plainStore, AuthStore authStore, Clock clock)
            throws Exception {
        // what has started so far, closed in reverse when a later step fails: a failed start leaves no thread behind
        StartedSoFar started = new StartedSoFar();
        try {
            return start(config, plainStore, authStore, clock, started);
        } catch (Exception | Error e) {
            started.closeAll(e);
            throw e;
        }
    }

    private static CcArmServer start(ServerConfig config, ConversationStore plainStore, AuthStore authStore, Clock clock,
                                     StartedSoFar started) throws Exception {
        AuditDurability durability = AuditDurability.parse(config.auditDurability());
        durability.applyToAuditTrail();
        AuditConfig auditFile = config.audit();
        if (!auditFile.sameFileAndRotation(AuditConfig.BATCHED)) {
            // only keys that were set: a logback.xml of your own (or the variables it read) keeps its file otherwise
            AuditTrail.configure(auditFile.file(), auditFile.maxFileSize(), auditFile.maxHistory(), auditFile.maxAgeDays());
        }
        // in the configuration's order: GET / leads to the first domain's workstation
        Set<String> domains = config.domains().stream().map(ServerConfig.DomainConfig::name)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        AuthConfig auth = config.auth();
        Authentication authentication = started.add(new Authentication(authStore, new PasswordHashing(LOGIN_QUEUE),
                new Authentication.Policy(Duration.ofMillis(auth.idleMillis()), Duration.ofMillis(auth.lifetimeMillis()),
                        auth.maxFailuresPerOperator(), auth.maxFailuresPerAddress(),
                        Duration.ofMillis(auth.failureWindowMillis())), clock), Authentication::close);
        Metrics metrics = started.add(config.ops().metricsEnabled()
                ? Metrics.enabled(domains, CommandCatalog.standard(plainStore, authentication, outcome -> { }).names())
                : Metrics.disabled(), Metrics::close);
        ConversationStore store = MeteredConversationStore.around(plainStore, metrics);
        // synced: fails closed (changes refused while the trail cannot be written); batched: failures counted and logged
        AuditLog audit = new AuditLog(durability == AuditDurability.SYNCED, AuditTrail::writable, AuditTrail::lastLineKept);
        ConversationJson conversationJson = new ConversationJson(clock);
        OperatorDirectory operators = new OperatorDirectory(authentication, audit);
        Fixtures fixtures = new Fixtures(config.domains(), new FixtureLoader(conversationJson), store, operators);
        fixtures.load();
        if (auth.required()) {
            sayHowToAddOperators(config);
        }
        if (!auth.required()) {
            LOG.warn("auth.mode = off: every client may act as any operator; use it only where the network itself "
                    + "keeps strangers out");
        }
        ExecutorService continuations = started.add(continuations(), ExecutorService::shutdownNow);
        SipServer sip = config.sip().enabled() ? started.add(SipServer.start(config.sip(),
                config.domains().stream().map(ServerConfig.DomainConfig::name).toList(), store, authStore, audit, metrics,
                clock, continuations), SipServer::close) : null;
        // commands of calls other instances carry are handed to them; those of this one's calls taken from them
        CallHandover calls = new CallHandover(store, sip == null ? "" : sip.instance(),
                sip == null ? CarriedCalls.NONE : sip.carriedCalls(), config.sip().handoverTimeoutMillis(), continuations);
        if (sip != null) {
            calls.serve();
        }
        CommandCatalog catalog = CommandCatalog.standard(store, calls, authentication, metrics::login);
        CommandDispatcher dispatcher = new CommandDispatcher(domains, catalog, audit, metrics, clock, authentication,
                auth.required(), continuations);
        AnswerEncoder encoder = new AnswerEncoder();
        Limits limits = config.limits();
        RequestIds requestIds = new RequestIds();
        WebSocketSessions websockets = new WebSocketSessions();
        EventHub events = started.add(new EventHub(store.events(), limits.eventQueue(), clock,
                metrics::eventSubscriptionEnded), EventHub::close);
        metrics.gauge("ccarm.event.subscriptions", "event subscriptions open on this instance (websockets and streams)",
                events, EventHub::count);
        EventEncoder eventEncoder = new EventEncoder();
        EventStreams eventStreams = new EventStreams();
        WebOrigins origins = new WebOrigins(auth.allowedOrigins());
        FrameTransport.Dependencies frames = new FrameTransport.Dependencies(dispatcher, encoder, limits.maxBodyBytes(),
                Duration.ofMillis(limits.websocketIdleMillis()), metrics, requestIds::next, websockets, origins,
                events, eventEncoder);
        HttpRoutes.Dependencies deps = new HttpRoutes.Dependencies(dispatcher, catalog.names(),
                switchFeed(store, conversationJson, audit, continuations, calls), domains, encoder, config.adminToken(), limits,
                (context, path, servlet) -> FrameTransport.install(context, path, servlet, frames), operators, origins, events,
                eventEncoder, eventStreams, metrics);
        // a session ended anywhere (logout, deletion) closes this instance's websockets and event streams acting in it
        authentication.onSessionEnded(hash -> {
            websockets.sessionEnded(hash);
            eventStreams.sessionEnded(hash);
        });
        HttpTransport http = started.add(HttpTransport.start(config.httpHost(), config.httpPort(), config.tls(),
                auth.trustedProxies(), deps, requestIds, metrics), HttpTransport::close);
        OpsServer ops = OpsServer.start(config.ops(), limits.headerTimeoutMillis(),
                () -> readiness(dispatcher, store, domains, fixtures), metrics::scrape);
        LOG.info("ops listening on {}", ops.uri());
        return new CcArmServer(http, ops, dispatcher, metrics, websockets, config.ops().shutdownDrainMillis(),
                authentication, housekeeping(websockets, eventStreams, authentication, fixtures, streamUseEvery(auth)), events, eventStreams,
                continuations, sip, config.sip().drainMillis());
    }

    private static SwitchFeed switchFeed(ConversationStore store, ConversationJson json, AuditLog audit,
                                         ExecutorService continuations, CallHandover calls) {
        SwitchFeed feed = new SwitchFeed(store, json, audit, continuations);
        feed.hangUpWith(calls::hangUpAnywhere); // a DELETE of a SIP conversation hangs the call up, wherever it is
        return feed;
    }

    /** The port SIP listens on (UDP and TCP), or empty when SIP is off. */
    public OptionalInt sipPort() {
        return sip == null ? OptionalInt.empty() : OptionalInt.of(sip.port());
    }

    /**
     * Where commands that waited on the network (Redis) are finished: audited and answered.
     * Not the network client's own threads, which an audit waiting for the disk must not
     * hold up; a few threads do it all, as finishing is short.
     */
    private static ExecutorService continuations() {
        AtomicInteger count = new AtomicInteger();
        int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        // once stopping, a command that finishes late is finished on the thread that completed it (audited, answered)
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "command-continuation-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, (late, pool) -> late.run()); // (the JDK's CallerRunsPolicy would drop it once the pool is shut down)
    }

    /** The parts of a server started so far, to close (newest first) when a later part fails to start. */
    private static final class StartedSoFar {
        private final ArrayDeque<Runnable> closers = new ArrayDeque<>();

        <T> T add(T part, Consumer<T> close) {
            closers.push(() -> close.accept(part));
            return part;
        }

        void closeAll(Throwable failure) {
            while (!closers.isEmpty()) {
                try {
                    closers.pop().run();
                } catch (RuntimeException e) {
                    failure.addSuppressed(e);
                }
            }
        }
    }

    /**
     * Once a second: close the websockets and event streams of sessions that expired, count
     * open event streams as use of their sessions, forget
     * what expired in memory, and load the fixtures again if a shared store lost its data. Every 15 s: ping every websocket and event stream, so
     * quiet subscribers stay connected through proxies and those that left are noticed.
     */
    private static ScheduledExecutorService housekeeping(WebSocketSessions websockets, EventStreams eventStreams,
                                                         Authentication authentication, Fixtures fixtures,
                                                         long streamUseEveryNanos) {
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "session-housekeeping");
            thread.setDaemon(true);
            return thread;
        });
        housekeeping.scheduleWithFixedDelay(() -> {
            try {
                websockets.closeExpired(authentication::isAliveLater);
                eventStreams.closeExpired(authentication::isAliveLater);
                eventStreams.countAsUse(authentication::touch, streamUseEveryNanos);
                authentication.purgeExpired();
                fixtures.restoreIfLost();
            } catch (RuntimeException e) {
                LOG.warn("session housekeeping failed; trying again in a second: {}", e.toString());
            }
        }, 1, 1, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(() -> {
            try {
                websockets.pingAll();
                eventStreams.pingAll();
            } catch (RuntimeException e) {
                // a failed ping must not cancel the next ones (a scheduled task that throws never runs again)
                LOG.warn("pinging the websockets and event streams failed; again in {} s: {}", PING_SECONDS, e.toString());
            }
        }, PING_SECONDS, PING_SECONDS, TimeUnit.SECONDS);
        return housekeeping;
    }

    /**
     * A domain without an operators file (the Docker image ships none) starts all the same;
     * unless operators were added through the switch feed before (on a shared store),
     * nobody can log in, and the log says how to add them.
     */
    private static void sayHowToAddOperators(ServerConfig config) {
        for (ServerConfig.DomainConfig domain : config.domains()) {
            if (domain.operators().isEmpty()) {
                LOG.warn("domain {} has no operators file (domain.{}.operators): unless operators were added through the "
                        + "switch feed, nobody can log in. Add one with the feed (set admin.token, env CCARM_ADMIN_TOKEN, "
                        + "then PUT /admin/domains/{}/operators/<id> with {\"password\": \"...\", \"supervisor\": false}) "
                        + "or list them with their hashes in a file (java -cp cc-arm-server.jar org.ccarm.tools.HashPassword)",
                        domain.name(), domain.name(), domain.name());
            }
        }
    }

    /**
     * How often an open event stream counts as use of its session: a third of the idle
     * time, so a watching page never reaches it (the housekeeping asks once a second), and at
     * most every 15 s (each is a store write).
     */
    private static long streamUseEvery(AuthConfig auth) {
        return TimeUnit.MILLISECONDS.toNanos(Math.min(PING_SECONDS * 1000, auth.idleMillis() / 3));
    }

    /**
     * Ready for traffic: not stopping, the store answers within its timeout, it has its
     * fixtures, and the audit trail can be written (whatever its durability).
     */
    private static Readiness readiness(CommandDispatcher dispatcher, ConversationStore store, Set<String> domains,
                                       Fixtures fixtures) {
        boolean reachable = store.isReachableFor(domains);
        boolean restoring = fixtures.restoring();
        boolean auditWritable = AuditTrail.writable();
        return new Readiness(Map.of(
                "accepting", new Readiness.Check(dispatcher.isAccepting(), dispatcher.isAccepting() ? "yes" : "shutting_down"),
                "store", new Readiness.Check(reachable && !restoring, !reachable ? "unreachable"
                        : restoring ? "restoring_lost_data" : "up"),
                "audit", new Readiness.Check(auditWritable, auditWritable ? "up" : "cannot_write")));
    }

    private void drain() {
        try {
            Thread.sleep(drainMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The base URI the server listens on, e.g. {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        return http.uri();
    }

    /** The HTTPS listener's base URI, e.g. {@code https://127.0.0.1:8443/}; empty without one. */
    public Optional<URI> secureUri() {
        return http.secureUri();
    }

    public void join() throws InterruptedException {
        http.join();
    }

    /** Connections open now (websockets included). */
    public int openConnections() {
        return http.openConnections();
    }

    /** Connections open now on the operations listener. */
    public int openOpsConnections() {
        return ops.openConnections();
    }

    /** Event subscriptions open now on this instance (websockets and event streams). */
    public int eventSubscriptions() {
        return events.count();
    }

    /** The operations listener's base URI, e.g. {@code http://127.0.0.1:9464/}. */
    public URI opsUri() {
        return ops.uri();
    }

    /**
     * Stops gracefully: readiness answers 503 and new commands are refused with 503
     * {@code shutting_down} (and audited) at once, for {@code shutdown.drain-ms}, so
     * that load balancers move the traffic away; then websockets are closed (1001), the
     * listener stops accepting, commands in flight are answered, and the listeners and
     * the store close. (The audit trail is flushed by Main after this, when Logback stops.)
     */
    @Override
    public void close() {
        dispatcher.beginShutdown();
        long callsDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(sipDrainMillis);
        if (sip != null) {
            sip.stopTakingCalls(); // new INVITEs 503 at once; the calls up go on while the balancer notices
        }
        drain();
        // the workstations go elsewhere now (their commands are 503 here), not after the calls have drained
        websockets.closeAll();
        eventStreams.closeAll();
        if (sip != null) {
            try {
                sip.drain(callsDeadline); // meanwhile the commands other instances hand over for these calls are served
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        housekeeping.shutdownNow();
        if (sip != null) {
            sip.close(); // the calls are hung up and their ends recorded while the store is still open
        }
        events.close();
        try {
            http.close();
        } finally {
            continuations.shutdown();
            ops.close();
            metrics.close();
            authentication.close();
            if (ownedAuthStore != null) {
                ownedAuthStore.close();
            }
            if (ownedStore != null) {
                ownedStore.close();
            }
        }
    }
}
