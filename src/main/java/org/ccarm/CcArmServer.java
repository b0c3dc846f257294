package org.ccarm;

import java.net.URI;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
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
import org.ccarm.protocol.codec.AnswerEncoder;
import org.ccarm.store.ConversationStore;
import org.ccarm.store.InMemoryConversationStore;
import org.ccarm.store.redis.RedisConversationStore;
import org.ccarm.transport.http.HttpRoutes;
import org.ccarm.transport.http.HttpTransport;
import org.ccarm.transport.ws.FrameTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one factory of the server: builds every part from a {@link ServerConfig} and
 * starts it. {@link Main} and every end-to-end test use it.
 */
public final class CcArmServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CcArmServer.class);

    private final HttpTransport http;
    private final CommandDispatcher dispatcher;
    private ConversationStore ownedStore; // closed with the server when it opened it

    private CcArmServer(HttpTransport http, CommandDispatcher dispatcher) {
        this.http = http;
        this.dispatcher = dispatcher;
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
    public static CcArmServer start(ServerConfig config, ConversationStore store, Clock clock) throws Exception {
        AuditDurability.parse(config.auditDurability()).applyToAuditTrail();
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
        Set<String> domains = config.domains().stream().map(ServerConfig.DomainConfig::name).collect(Collectors.toSet());
        CommandCatalog catalog = CommandCatalog.standard(store);
        CommandDispatcher dispatcher = new CommandDispatcher(domains, catalog, audit, clock);
        AnswerEncoder encoder = new AnswerEncoder();
        Limits limits = config.limits();
        HttpRoutes.Dependencies deps = new HttpRoutes.Dependencies(dispatcher, catalog.names(),
                new SwitchFeed(store, conversationJson, audit), domains, encoder, config.adminToken(), limits,
                (context, path) -> FrameTransport.install(context, path, dispatcher, encoder, limits.maxBodyBytes(),
                        Duration.ofMillis(limits.websocketIdleMillis())));
        return new CcArmServer(HttpTransport.start(config.httpHost(), config.httpPort(), deps), dispatcher);
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

    /**
     * Stops gracefully: new commands are refused at once with 503 {@code shutting_down}
     * (and audited), commands in flight are answered, then the listener closes.
     */
    @Override
    public void close() {
        dispatcher.beginShutdown();
        try {
            http.close();
        } finally {
            if (ownedStore != null) {
                ownedStore.close();
            }
        }
    }
}
