package org.ccarm.feed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.ccarm.config.ServerConfig;
import org.ccarm.store.ConversationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each domain's fixtures (its conversations and its operators), loaded into the store once
 * ever: at the first start on a shared store, and again when that store has lost its data
 * (a Redis flushed, or restarted without its files), which the server notices by the
 * directory's flag being gone. Of several instances that notice, one loads (the flags are
 * set with the data, atomically); until then readiness fails and logins answer 503, so
 * that no right password is called wrong. Operators and conversations created through the
 * feed since are gone with the data: they must be provisioned again.
 */
public final class Fixtures {

    private static final Logger LOG = LoggerFactory.getLogger(Fixtures.class);

    private final List<ServerConfig.DomainConfig> domains;
    private final FixtureLoader conversations;
    private final ConversationStore store;
    private final OperatorDirectory operators;
    private volatile boolean restoring;

    public Fixtures(List<ServerConfig.DomainConfig> domains, FixtureLoader conversations, ConversationStore store,
                    OperatorDirectory operators) {
        this.domains = List.copyOf(domains);
        this.conversations = conversations;
        this.store = store;
        this.operators = operators;
    }

    /** Loads every domain's fixtures that the store does not have yet (at start; a bad fixture stops the start). */
    public void load() throws IOException {
        for (ServerConfig.DomainConfig domain : domains) {
            if (domain.fixture().isPresent()) {
                int loaded = conversations.load(domain.name(), domain.fixture().get(), store);
                LOG.info("domain {}: {}", domain.name(), loaded < 0 ? "the store has its fixture already; "
                        + domain.fixture().get() + " not loaded again" : "loaded " + loaded + " conversations from "
                        + domain.fixture().get());
            }
            int loaded = operators.loadFixture(domain.name(), domain.operators());
            if (domain.operators().isPresent()) {
                LOG.info("domain {}: {}", domain.name(), loaded < 0 ? "the store has its operators already"
                        : "loaded " + loaded + " operators from " + domain.operators().get());
            }
        }
    }

    /**
     * Notices a store that lost its data and loads the fixtures again (every second, from the
     * housekeeping). A store that cannot be reached now is left for the next round.
     */
    public void restoreIfLost() {
        boolean lost = domains.stream().anyMatch(domain -> !operators.loaded(domain.name()));
        if (!lost) {
            restoring = false;
            return;
        }
        restoring = true;
        LOG.warn("the store has lost its data (a Redis flushed, or restarted without its files): loading the configured "
                + "fixtures again; operators and conversations created through the feed since must be provisioned again");
        try {
            load();
            restoring = false;
        } catch (IOException e) {
            throw new UncheckedIOException("the fixtures could not be read again", e);
        }
    }

    /** True from the moment a loss was noticed until the fixtures are back: readiness fails meanwhile. */
    public boolean restoring() {
        return restoring;
    }
}
