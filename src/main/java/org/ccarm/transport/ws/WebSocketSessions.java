package org.ccarm.transport.ws;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * The websocket connections open now, so that a stopping server closes each with 1001
 * (going away) rather than letting them drop: a client can tell a server leaving in
 * order from a broken connection and reconnect elsewhere.
 */
public final class WebSocketSessions {

    private final Set<Session> open = ConcurrentHashMap.newKeySet();

    void opened(Session session) {
        open.add(session);
    }

    void closed(Session session) {
        open.remove(session);
    }

    /** Closes every open connection with 1001. */
    public void closeAll() {
        for (Session session : open) {
            session.close(StatusCode.SHUTDOWN, "the server is stopping", Callback.NOOP);
        }
    }

    public int count() {
        return open.size();
    }
}
