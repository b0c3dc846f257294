package org.ccarm.transport.ws;

import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.ccarm.transport.SessionBound;

/**
 * The websocket connections open now: a stopping server closes each with 1001 (going
 * away) rather than letting them drop, so a client can tell a server leaving in order
 * from a broken connection and reconnect elsewhere; and when a session ends (logout on
 * any instance, its operator deleted, expiry) the connections acting in it are closed
 * with 1008 (policy violation).
 */
public final class WebSocketSessions {

    private final Set<FrameEndpoint> open = ConcurrentHashMap.newKeySet();

    void opened(FrameEndpoint endpoint) {
        open.add(endpoint);
    }

    void closed(FrameEndpoint endpoint) {
        open.remove(endpoint);
    }

    /** Closes every open connection with 1001. */
    public void closeAll() {
        open.forEach(FrameEndpoint::closeGoingAway);
    }

    /** Closes, with 1008, the connections acting in the session of this token hash. */
    public void sessionEnded(String tokenHash) {
        open.forEach(endpoint -> endpoint.sessionOfHashEnded(tokenHash));
    }

    /**
     * Asks, once per session, whether each session held by an open connection is still
     * alive ({@code alive} takes the domain and the token hash), and closes the connections
     * of those that are not: the way an expiry is noticed.
     */
    public void closeExpired(BiFunction<String, String, CompletionStage<Boolean>> alive) {
        SessionBound.endExpired(open, alive);
    }

    /** Pings every open connection: quiet ones stay open through proxies that close idle connections. */
    public void pingAll() {
        open.forEach(FrameEndpoint::ping);
    }

    public int count() {
        return open.size();
    }
}
