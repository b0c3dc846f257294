package org.ccarm.testing;

import java.time.Clock;
import java.time.Duration;
import org.ccarm.auth.Authentication;
import org.ccarm.auth.InMemoryAuthStore;
import org.ccarm.auth.PasswordHashing;
import org.ccarm.command.CommandCatalog;
import org.ccarm.store.ConversationStore;

/** Authentication over an in-memory store with the protocol's defaults, for tests that build parts by hand. */
public final class TestAuth {

    private TestAuth() {}

    public static Authentication inMemory() {
        return new Authentication(new InMemoryAuthStore(), new PasswordHashing(16),
                new Authentication.Policy(Duration.ofMinutes(30), Duration.ofHours(12), 5, 20, Duration.ofSeconds(60)),
                Clock.systemUTC());
    }

    /** Every command, over {@code store} and an in-memory authentication. */
    public static CommandCatalog catalog(ConversationStore store) {
        return CommandCatalog.standard(store, inMemory(), outcome -> { });
    }
}
