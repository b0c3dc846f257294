package org.ccarm.transport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.slf4j.LoggerFactory;

/**
 * A connection (a websocket, an event stream) that acts in a session for as long as it is
 * open, and ends when the session does.
 */
public interface SessionBound {

    /** The domain of the connection. */
    String domain();

    /** The hash of the session's token; null while the connection acts in none. */
    String tokenHash();

    /** The session has ended: the connection ends too. */
    void sessionEnded();

    /** A session asked about: its domain and its token's hash. */
    record Asked(String domain, String hash) {}

    /**
     * Asks, once per session, whether the session of each connection is still alive
     * ({@code alive} takes the domain and the token hash), and ends the connections of those
     * that are not, when the answers come: the way an expiry is noticed. No thread waits for
     * the store meanwhile (the housekeeping's one thread once waited for one session after
     * another).
     */
    static void endExpired(Iterable<? extends SessionBound> connections,
                           BiFunction<String, String, CompletionStage<Boolean>> alive) {
        Map<Asked, List<SessionBound>> bySession = new HashMap<>();
        for (SessionBound connection : connections) {
            String hash = connection.tokenHash();
            if (hash != null) {
                bySession.computeIfAbsent(new Asked(connection.domain(), hash), key -> new ArrayList<>()).add(connection);
            }
        }
        bySession.forEach((session, those) -> alive.apply(session.domain(), session.hash()).whenComplete((isAlive, failure) -> {
            if (failure != null) {
                LoggerFactory.getLogger(SessionBound.class).warn("could not tell whether a session is alive; asking again "
                        + "in a second: {}", failure.toString());
            } else if (!isAlive) {
                // only those still in that session: one may have logged in again while the store answered
                those.stream().filter(connection -> session.hash().equals(connection.tokenHash()))
                        .forEach(SessionBound::sessionEnded);
            }
        }));
    }
}
