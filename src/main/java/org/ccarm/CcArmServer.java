package org.ccarm;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Clock;
import java.util.Set;
import java.util.stream.Collectors;
import org.ccarm.callcontrol.command.Commands;
import org.ccarm.config.ServerConfig;
import org.ccarm.dispatch.AuditLog;
import org.ccarm.dispatch.CommandDispatcher;
import org.ccarm.feed.ConversationJson;
import org.ccarm.feed.FixtureLoader;
import org.ccarm.protocol.AnswerEncoder;
import org.ccarm.protocol.RequestDecoder;
import org.ccarm.store.ConversationStore;
import org.ccarm.store.InMemoryConversationStore;
import org.ccarm.transport.http.HttpRoutes;
import org.ccarm.transport.http.HttpTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one factory of the server: builds every part from a {@link ServerConfig} and
 * starts it. {@link Main} and every end-to-end test use it.
 */
public final class CcArmServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CcArmServer.class);

    private final HttpTransport http;
    private final ConversationStore store;

    private CcArmServer(HttpTransport http, ConversationStore store) {
        this.http = http;
        this.store = store;
    }

    /** Starts on a fresh in-memory store with the configured fixtures loaded. */
    public static CcArmServer start(ServerConfig config) throws Exception {
        return start(config, new InMemoryConversationStore(), Clock.systemUTC());
    }

    public static CcArmServer start(ServerConfig config, ConversationStore store, Clock clock) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ConversationJson conversationJson = new ConversationJson(mapper, clock);
        FixtureLoader fixtures = new FixtureLoader(mapper, conversationJson);
        for (ServerConfig.DomainConfig domain : config.domains()) {
            if (domain.fixture().isPresent()) {
                int loaded = fixtures.load(domain.name(), domain.fixture().get(), store);
                LOG.info("domain {}: loaded {} conversations from {}", domain.name(), loaded, domain.fixture().get());
            }
        }
        Set<String> domains = config.domains().stream().map(ServerConfig.DomainConfig::name).collect(Collectors.toSet());
        Commands commands = Commands.standard(store, clock);
        CommandDispatcher dispatcher = new CommandDispatcher(domains, commands, RequestDecoder.standard(), new AuditLog());
        HttpRoutes.Dependencies deps = new HttpRoutes.Dependencies(dispatcher, commands.names(), domains, store,
                conversationJson, mapper, new AnswerEncoder(), config.adminToken(), config.maxBodyBytes());
        HttpTransport http = HttpTransport.start(config.httpHost(), config.httpPort(), deps);
        return new CcArmServer(http, store);
    }

    /** The base URI the server listens on, e.g. {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        return http.uri();
    }

    public ConversationStore store() {
        return store;
    }

    public void join() throws InterruptedException {
        http.join();
    }

    /** Stops gracefully: requests in flight are answered first. */
    @Override
    public void close() throws Exception {
        http.close();
    }
}
