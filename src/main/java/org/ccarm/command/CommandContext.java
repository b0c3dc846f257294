package org.ccarm.command;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.ccarm.auth.Session;
import org.ccarm.callcontrol.Actor;

/**
 * Where, when and for whom a command runs: the request's domain, the instant it is
 * carried out at, the caller's session (empty without one: authentication off, or a
 * command such as login that needs none), the client's address (for counting failed
 * logins) and the connection's channel for events (empty on a transport that answers
 * once and closes).
 */
public record CommandContext(String domain, Instant now, Optional<Session> session, Supplier<String> client,
                             Optional<EventChannel> events) {

    public CommandContext {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(events, "events");
    }

    /** Without a session or events, from an address that does not matter (tests and tools). */
    public CommandContext(String domain, Instant now) {
        this(domain, now, Optional.empty(), () -> "-", Optional.empty());
    }

    /** The client's address, worked out only when a command asks (login counts failures by it). */
    public String clientAddress() {
        return client.get();
    }

    /** Who acts, for the domain's rules of rights; empty without a session. */
    public Optional<Actor> actor() {
        return session.map(Session::actor);
    }
}
