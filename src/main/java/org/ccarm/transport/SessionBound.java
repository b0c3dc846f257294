package org.ccarm.transport;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiPredicate;

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

    /**
     * Asks, once per session, whether the session of each connection is still alive
     * ({@code alive} takes the domain and the token hash), and ends the connections of those
     * that are not: the way an expiry is noticed.
     */
    static void endExpired(Iterable<? extends SessionBound> connections, BiPredicate<String, String> alive) {
        Map<String, Boolean> verdicts = new HashMap<>();
        for (SessionBound connection : connections) {
            String hash = connection.tokenHash();
            if (hash != null && !verdicts.computeIfAbsent(connection.domain() + " " + hash,
                    key -> alive.test(connection.domain(), hash))) {
                connection.sessionEnded();
            }
        }
    }
}
