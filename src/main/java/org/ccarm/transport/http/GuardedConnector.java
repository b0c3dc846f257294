package org.ccarm.transport.http;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A connector that tells the {@link ConnectionGuard} when a socket closes, whatever connection it carried last. */
final class GuardedConnector extends ServerConnector {

    private final ConnectionGuard guard;

    GuardedConnector(Server server, ConnectionGuard guard, ConnectionFactory... factories) {
        super(server, factories);
        this.guard = guard;
    }

    @Override
    protected void onEndPointClosed(EndPoint endPoint) {
        guard.closed(endPoint);
        super.onEndPointClosed(endPoint);
    }
}
