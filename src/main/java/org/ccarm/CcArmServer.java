package org.ccarm;

import java.net.URI;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.ccarm.audit.AuditLog;
import org.ccarm.command.CommandCatalog;
import org.ccarm.config.Limits;
import org.ccarm.config.StoreConfig;
import org.ccarm.config.ServerConfig;
import org.ccarm.dispatch.CommandDispatcher;
import org.ccarm.feed.ConversationJson;
import org.ccarm.feed.FixtureLoader;
import org.ccarm.feed.SwitchFeed;
import org.ccarm.logging.AuditDurability;
import org.ccarm.metrics.MeteredConversationStore;
import org.ccarm.metrics.Metrics;
import org.ccarm.protocol.codec.AnswerEncoder;
import org.ccarm.store.ConversationStore;
import org.ccarm.store.InMemoryConversationStore;
import org.ccarm.store.redis.RedisConversationStore;
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

    private final HttpTransport http;
    private final OpsServer ops;
    private final CommandDispatcher dispatcher;
    private final Metrics metrics;
    private final WebSocketSessions websockets;
    private final long drainMillis;
    private ConversationStore ownedStore; // closed with the server when it opened it

    private CcArmServer(HttpTransport http, OpsServer ops, CommandDispatcher dispatcher, Metrics metrics,
                        WebSocketSessions websockets, long drainMillis) {
        this.drainMillis = drainMillis;
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
            return new InMemoryConversationStore();
        }
        ConversationStore store = RedisConversationStore.connect(new RedisConversationStore.Settings(
                config.redisUrl(), config.prefix(), Duration.ofMillis(config.timeoutMillis()), config.waitReplicas()));
        LOG.info("store: Redis at {} (keys {}:{{<domain>}}:..., timeout {} ms)", config.redisUrl().replaceAll("//[^@/]*@", "//***@"),
                config.prefix(), config.timeoutMillis());
        return store;
    }

    /** Starts on {@code store}, which stays the caller's to close. */
    public static CcArmServer start(ServerConfig config, ConversationStore plainStore, Clock clock) throws Exception {
        AuditDurability.parse(config.auditDurability()).applyToAuditTrail();
        Set<String> domains = config.domains().stream().map(ServerConfig.DomainConfig::name).collect(Collectors.toSet());
        Metrics metrics = config.ops().metricsEnabled()
                ? Metrics.enabled(domains, CommandCatalog.standard(plainStore).names()) : Metrics.disabled();
        ConversationStore store = MeteredConversationStore.around(plainStore, metrics);
        AuditLog audit = new AuditLog();
        ConversationJson conversationJson = new ConversationJson(clock);
        FixtureLoader fixtures = new FixtureLoader(conversationJson);
        for (ServerConfig.DomainConfig domain : config.domains()) {
            if (domain.fixture().isPresent()) {
                URL fixture = domain.fixture().get();
                int loaded = fixtures.load(domain.name(), fixture, store);
                if (loaded < 0) {
                    LOG.info("domain {}: the store has its fixture already; {} not loaded again", domain.name(), fixture);
                } else {
                    LOG.info("domain {}: loaded {} conversations from {}", domain.name(), loaded, fixture);
                }
            }
        }
        CommandCatalog catalog = CommandCatalog.standard(store);
        CommandDispatcher dispatcher = new CommandDispatcher(domains, catalog, audit, metrics, clock);
        AnswerEncoder encoder = new AnswerEncoder();
        Limits limits = config.limits();
        RequestIds requestIds = new RequestIds();
        WebSocketSessions websockets = new WebSocketSessions();
        HttpRoutes.Dependencies deps = new HttpRoutes.Dependencies(dispatcher, catalog.names(),
                new SwitchFeed(store, conversationJson, audit), domains, encoder, config.adminToken(), limits,
                (context, path) -> FrameTransport.install(context, path, dispatcher, encoder, limits.maxBodyBytes(),
                        Duration.ofMillis(limits.websocketIdleMillis()), metrics, requestIds::next, websockets));
        HttpTransport http = HttpTransport.start(config.httpHost(), config.httpPort(), deps, requestIds, metrics);
        OpsServer ops;
        try {
            ops = OpsServer.start(config.ops().host(), config.ops().port(), () -> readiness(dispatcher, store), metrics::scrape);
        } catch (Exception e) {
            http.close();
            throw e;
        }
        LOG.info("ops listening on {}", ops.uri());
        return new CcArmServer(http, ops, dispatcher, metrics, websockets, config.ops().shutdownDrainMillis());
    }

    /** Ready for traffic: not stopping, and the store answers within its timeout. */
    private static Readiness readiness(CommandDispatcher dispatcher, ConversationStore store) {
        boolean reachable = store.isReachable();
        return new Readiness(Map.of(
                "accepting", new Readiness.Check(dispatcher.isAccepting(), dispatcher.isAccepting() ? "yes" : "shutting_down"),
                "store", new Readiness.Check(reachable, reachable ? "up" : "unreachable")));
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

    public void join() throws InterruptedException {
        http.join();
    }

    /** Connections open now (websockets included). */
    public int openConnections() {
        return http.openConnections();
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
        drain();
        websockets.closeAll();
        try {
            http.close();
        } finally {
            ops.close();
            metrics.close();
            if (ownedStore != null) {
                ownedStore.close();
            }
        }
    }
}
