package org.ccarm.auth;

import java.time.Instant;
import java.util.Objects;
import org.ccarm.callcontrol.Actor;

/**
 * A logged-in operator. The server knows a session by its token's hash only
 * ({@code tokenHash}); the token itself exists in the client's hands. A session ends at
 * {@code expires} (its absolute lifetime) or after the idle time without use, whichever
 * comes first.
 */
public record Session(String domain, String operatorId, boolean supervisor, String tokenHash, Instant created,
                      Instant expires) {

    public Session {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(operatorId, "operatorId");
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
    }

    /** Who acts through this session, for the domain's rules of rights. */
    public Actor actor() {
        return new Actor(operatorId, supervisor);
    }
}
