package org.ccarm.command;

import org.ccarm.store.StoreUnavailableException;

/** What a client is told when the shared store does not answer. */
final class StoreUnavailable {

    private StoreUnavailable() {}

    static String detail(StoreUnavailableException e) {
        return e.outcomeUnknown()
                ? "the store did not confirm the change: its outcome is unknown; send the command again to learn it"
                : "the store cannot be reached now; nothing was changed; try again shortly";
    }
}
